import { createSignal, For, Show } from 'solid-js';
import { lookupFlow } from '../api/client';
import type { Frontend } from '../api/types';
import { destinations, type FlowAnswer, type FlowField, flowLines, flowUrl, parseFlowInput } from '../state/flow';

/**
 * Which VIP, bucket and AS VPP gives a new flow, as the selected maglevd computes it (its
 * LookupVPPLBFlow, `maglevc show vpp lb flow`): a client address[:port], a destination
 * address:port and a protocol in, the answer line by line out.
 */
export function FlowLookup(props: { maglevd: string; admin: boolean; frontends: Frontend[] }) {
  const [src, setSrc] = createSignal('');
  const [dst, setDst] = createSignal('');
  const [proto, setProto] = createSignal('tcp');
  const [answer, setAnswer] = createSignal<{ maglevd: string; flow: FlowAnswer } | null>(null);
  const [error, setError] = createSignal<{ field: FlowField | ''; text: string } | null>(null);
  const [busy, setBusy] = createSignal(false);
  const choices = () => destinations(props.frontends);
  const listId = () => `flow-destinations-${props.maglevd}`;

  const submit = async (e: Event) => {
    e.preventDefault();
    const input = parseFlowInput(src(), dst(), proto());
    if (!input.ok) {
      setAnswer(null);
      setError({ field: input.field, text: input.error });
      return;
    }
    const maglevd = props.maglevd;
    setBusy(true);
    try {
      const flow = await lookupFlow(flowUrl(props.admin, maglevd, input.query));
      setAnswer({ maglevd, flow });
      setError(null);
    } catch (err) {
      setAnswer(null);
      setError({ field: '', text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <details class="card flow" aria-label="flow lookup">
      <summary>flow lookup: which backend does a new connection reach?</summary>
      <form class="flow-form" onSubmit={(e) => void submit(e)}>
        <label>
          client
          <input
            name="src"
            placeholder="198.51.100.7:40000"
            value={src()}
            onInput={(e) => setSrc(e.currentTarget.value)}
            aria-invalid={error()?.field === 'src'}
          />
        </label>
        <label>
          destination
          <input
            name="dst"
            placeholder={choices()[0] ?? '192.0.2.1:80'}
            list={listId()}
            value={dst()}
            onInput={(e) => setDst(e.currentTarget.value)}
            aria-invalid={error()?.field === 'dst'}
          />
          <datalist id={listId()}>
            <For each={choices()}>{(c) => <option value={c} />}</For>
          </datalist>
        </label>
        <label>
          protocol
          <select name="proto" value={proto()} onChange={(e) => setProto(e.currentTarget.value)}>
            <option value="tcp">tcp</option>
            <option value="udp">udp</option>
          </select>
        </label>
        <button type="submit" disabled={busy()}>
          look up
        </button>
      </form>
      <Show when={error()}>
        {(e) => (
          <p class="error" role="alert">
            {e().text}
          </p>
        )}
      </Show>
      <Show when={answer()}>
        {(a) => (
          <dl class="flow-answer" aria-label={`flow on ${a().maglevd}`}>
            <dt>maglevd</dt>
            <dd data-flow="maglevd">{a().maglevd}</dd>
            <For each={flowLines(a().flow)}>
              {([label, text]) => (
                <>
                  <dt>{label}</dt>
                  <dd data-flow={label}>{text}</dd>
                </>
              )}
            </For>
          </dl>
        )}
      </Show>
    </details>
  );
}
