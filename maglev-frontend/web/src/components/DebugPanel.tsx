import { For } from 'solid-js';
import type { MaglevdState } from '../api/types';
import { ageOf } from '../state/age';

/** The connection's innards, for when the page and the truth seem to disagree. */
export function DebugPanel(props: {
  lastId: string;
  opens: number;
  resyncs: number;
  maglevds: MaglevdState[];
  now: number;
}) {
  return (
    <details class="card debug">
      <summary>debug</summary>
      <dl>
        <dt>last event id</dt>
        <dd>{props.lastId || '—'}</dd>
        <dt>stream (re)opened</dt>
        <dd>{props.opens}</dd>
        <dt>resyncs</dt>
        <dd>{props.resyncs}</dd>
        <For each={props.maglevds}>
          {(m) => (
            <>
              <dt>{m.name}</dt>
              <dd>
                {m.connected ? 'connected' : `lost (${m.last_error})`}, state read {ageOf(m.last_refresh_unix_ns, props.now)} ago
              </dd>
            </>
          )}
        </For>
      </dl>
    </details>
  );
}
