import { Show } from 'solid-js';
import type { MaglevdState } from '../api/types';
import { ageOf } from '../state/age';
import { warmUpText } from '../state/warmup';

/** VPP's connection badge, the API pulse and VPP's facts with live ages. */
export function VppPanel(props: { state: MaglevdState; now: number; pulse: boolean }) {
  const connected = () => props.state.vpp_state === 'connected' && props.state.connected;
  return (
    <details class="card vpp" aria-label="VPP" open>
      <summary>
        <span classList={{ badge: true, up: connected(), down: !connected() }}>VPP {connected() ? 'connected' : 'not connected'}</span>
        <span classList={{ pulse: true, on: props.pulse }} title="VPP API calls">
          API: <span class="arrows">↑↓</span>
        </span>
      </summary>
      <Show
        when={props.state.vpp_info}
        fallback={<p class="muted">{props.state.vpp_error || 'VPP not connected'}</p>}
      >
        {(info) => (
          <dl>
            <dt>version</dt>
            <dd>{info().version}</dd>
            <dt>built</dt>
            <dd>{info().build_date}</dd>
            <dt>build dir</dt>
            <dd>{info().build_directory}</dd>
            <dt>pid</dt>
            <dd>{info().pid}</dd>
            <dt>up</dt>
            <dd>{ageOf(info().boottime_ns, props.now)}</dd>
            <dt>connected</dt>
            <dd>{ageOf(info().connecttime_ns, props.now)}</dd>
            <Show when={info().warm_up?.active ? info().warm_up : undefined}>
              {(w) => (
                <>
                  <dt>warm-up</dt>
                  <dd>{warmUpText(w(), props.now)}</dd>
                </>
              )}
            </Show>
          </dl>
        )}
      </Show>
    </details>
  );
}
