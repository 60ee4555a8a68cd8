import { createEffect, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { adminAction, type BucketPreview } from '../api/client';
import { allowed, consequence, overrideBody, previewSummary, type Verb, weightConsequence } from '../state/actions';
import { parseTtl, untilText } from '../state/overrides';
import type { RowAction } from './FrontendCard';

const VERBS: Verb[] = ['pause', 'resume', 'disable', 'enable'];

/** The admin menu of one backend row: each action says what it will do before it is sent. */
export function ActionDialog(props: { maglevd: string; row: RowAction; onClose: () => void }) {
  const [verb, setVerb] = createSignal<Verb | 'weight' | null>(null);
  const [weight, setWeight] = createSignal(props.row.weight);
  const [flush, setFlush] = createSignal(false);
  // why, and for how long: both optional, kept by maglevd with the override
  const [reason, setReason] = createSignal('');
  const [ttl, setTtl] = createSignal('');
  const ttlMs = () => (verb() === 'resume' ? 0 : parseTtl(ttl()));
  const until = () => untilText(ttlMs() ?? 0, Date.now());
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [preview, setPreview] = createSignal<BucketPreview | null>(null);
  const [previewError, setPreviewError] = createSignal('');
  const b = () => encodeURIComponent(props.row.backend);
  const weightPath = () =>
    `${encodeURIComponent(props.maglevd)}/frontends/${encodeURIComponent(props.row.frontend)}/pools/${encodeURIComponent(props.row.pool)}/backends/${b()}`;
  // what the new weight would do to VPP's buckets, asked again as the number changes
  let previewTimer = 0;
  createEffect(() => {
    if (verb() !== 'weight') {
      return;
    }
    const w = weight();
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(() => {
      adminAction(`${weightPath()}/weight-preview`, { weight: w })
        .then((p) => {
          setPreview(p as BucketPreview);
          setPreviewError('');
        })
        .catch((e: Error) => {
          setPreview(null);
          setPreviewError(e.message);
        });
    }, 150);
  });
  const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
  let box: HTMLDivElement | undefined;
  onMount(() => {
    window.addEventListener('keydown', onKey);
    // keyboard users land in the dialog, on its first action
    box?.querySelector<HTMLButtonElement>('button:not([disabled])')?.focus();
  });
  onCleanup(() => {
    window.removeEventListener('keydown', onKey);
    window.clearTimeout(previewTimer);
  });
  const send = async () => {
    const v = verb();
    setBusy(true);
    setError('');
    try {
      const extra = v ? overrideBody(v, reason(), ttl()) : {};
      if (v === 'weight') {
        await adminAction(`${weightPath()}/weight`, { weight: weight(), flush: flush(), ...extra });
      } else if (v) {
        await adminAction(
          `${encodeURIComponent(props.maglevd)}/backends/${b()}/${v}`,
          Object.keys(extra).length > 0 ? extra : undefined,
        );
      }
      props.onClose();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class="dialog" ref={box} role="dialog" aria-modal="true" aria-label={`actions for ${props.row.backend}`}>
        <h2>{props.row.backend}</h2>
        <Show
          when={verb()}
          fallback={
            <div class="menu">
              <For each={VERBS}>
                {(v) => (
                  <button disabled={!allowed(v, props.row.state)} onClick={() => setVerb(v)}>
                    {v}
                  </button>
                )}
              </For>
              <button onClick={() => setVerb('weight')}>set weight</button>
              <button onClick={() => props.onClose()}>cancel</button>
            </div>
          }
        >
          <Show when={verb() === 'weight'}>
            <label>
              weight in {props.row.frontend} / {props.row.pool}{' '}
              <input
                type="number"
                min="0"
                max="100"
                value={weight()}
                onInput={(e) => setWeight(Math.max(0, Math.min(100, Number(e.currentTarget.value) || 0)))}
              />
            </label>
            <label>
              <input type="checkbox" checked={flush()} onChange={(e) => setFlush(e.currentTarget.checked)} /> flush its
              existing connections
            </label>
          </Show>
          <Show when={verb() === 'weight'}>
            <Show when={preview()} fallback={<p class="muted">{previewError()}</p>}>
              {(p) => (
                <div class="preview">
                  <p>{previewSummary(p())}</p>
                  <table>
                    <thead>
                      <tr>
                        <th>backend</th>
                        <th>buckets now</th>
                        <th>after</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={p().ases}>
                        {(r) => (
                          <tr>
                            <td>{r.backend || r.address}</td>
                            <td class="num">{r.buckets_before}</td>
                            <td class="num">{r.buckets_after}</td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              )}
            </Show>
          </Show>
          <label class="override-field">
            reason{' '}
            <input
              type="text"
              name="reason"
              maxLength={512}
              placeholder="optional, e.g. kernel upgrade"
              value={reason()}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          </label>
          <Show when={verb() !== 'resume'}>
            <label class="override-field">
              for{' '}
              <input
                type="text"
                name="ttl"
                size={8}
                placeholder="e.g. 2h"
                value={ttl()}
                onInput={(e) => setTtl(e.currentTarget.value)}
              />{' '}
              <span class="muted">empty: until changed</span>
            </label>
          </Show>
          <Show when={ttlMs() === null}>
            <p class="error" role="alert">
              for: "{ttl().trim()}" is not a duration such as 30m, 2h or 1h30m (at most 366 days)
            </p>
          </Show>
          <p class="consequence">
            {verb() === 'weight'
              ? weightConsequence(props.row.frontend, props.row.pool, props.row.backend, weight(), flush(), until())
              : consequence(verb() as Verb, props.row.backend, until())}
          </p>
          <Show when={error()}>
            <p class="error" role="alert">
              {error()}
            </p>
          </Show>
          <div class="menu">
            <button class="primary" disabled={busy() || ttlMs() === null} onClick={() => void send()}>
              {verb() === 'weight' ? 'set weight' : verb()}
            </button>
            <button onClick={() => props.onClose()}>cancel</button>
          </div>
        </Show>
      </div>
    </div>
  );
}
