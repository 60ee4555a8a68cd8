import { createSignal, Show } from 'solid-js';
import { adminAction } from '../api/client';
import type { CheckerSuspicion } from '../api/types';
import { suspicionText } from '../state/suspicion';

/**
 * maglevd's suspicion of its own probes, above the frontends while it lasts; in admin mode a
 * release button that says what releasing does before it is sent.
 */
export function SuspicionBanner(props: { maglevd: string; suspicion: CheckerSuspicion | null | undefined; admin: boolean }) {
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal('');
  const release = async () => {
    setBusy(true);
    setError('');
    try {
      await adminAction(`${encodeURIComponent(props.maglevd)}/release-checker`);
      setConfirming(false);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Show when={suspicionText(props.suspicion)}>
      {(text) => (
        <div class="card suspicion" role="status" aria-label="checker suspicion">
          <p>⏸️ {text()}</p>
          <Show when={props.admin}>
            <Show
              when={confirming()}
              fallback={<button onClick={() => setConfirming(true)}>release…</button>}
            >
              <p>
                Releasing ends the suspicion now: the backends that are still down are believed and drained, as if
                maglevd had never doubted its probes.
              </p>
              <button disabled={busy()} onClick={() => void release()}>
                release now
              </button>{' '}
              <button onClick={() => setConfirming(false)}>cancel</button>
            </Show>
            <Show when={error()}>
              <p class="error">{error()}</p>
            </Show>
          </Show>
        </div>
      )}
    </Show>
  );
}
