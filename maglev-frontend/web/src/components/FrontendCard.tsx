import { For, Show } from 'solid-js';
import type { Backend, Frontend, LbState } from '../api/types';
import { ageOf } from '../state/age';
import { overrideText, rowOverrides } from '../state/overrides';
import { rampSuffix } from '../state/ramp';
import { bucketsOf, type Health, ICONS, MEANINGS } from '../state/cascade';
import { type Agreement, agreementText } from '../state/fleet';
import { reasonWord, summarize } from '../state/summary';
import { Flash } from './Flash';
import { ProbeHeartbeat } from './ProbeHeartbeat';

export interface RowAction {
  frontend: string;
  pool: string;
  backend: string;
  state: string;
  weight: number;
}

/** A collapsible frontend: name, health icon and state, then its pools' backends. */
export function FrontendCard(props: {
  frontend: Frontend;
  backends: Backend[];
  lbState: LbState | null;
  health: Health;
  open: boolean;
  onToggle: () => void;
  now: number;
  admin: boolean;
  onAction: (row: RowAction) => void;
  probing: (backend: string) => boolean;
  /** How the tables of the maglevds followed compare for this frontend; null with one maglevd. */
  tables?: Agreement | null;
}) {
  const backend = (name: string) => props.backends.find((b) => b.name === name);
  return (
    <section class="card frontend" aria-label={`frontend ${props.frontend.name}`}>
      <button class="zippy" aria-expanded={props.open} onClick={() => props.onToggle()}>
        <span class="frontend-title-name">{props.frontend.name}</span>
        <span class="icon" title={MEANINGS[props.health]} aria-label={props.health}>
          {ICONS[props.health]}
        </span>
        <Flash value={props.frontend.state}>
          <span class={`badge ${props.frontend.state}`}>{props.frontend.state}</span>
        </Flash>
        <span class="muted">
          {props.frontend.address} {props.frontend.protocol}/{props.frontend.port}
        </span>
        <span class="frontend-summary">
          {props.health === 'unknown' ? 'state unknown' : summarize(props.frontend, props.backends)}
        </span>
      </button>
      <Show when={props.tables}>
        {(t) => (
          <p
            classList={{ tables: true, muted: t().differing.length === 0, warn: t().differing.length > 0 }}
            aria-label="tables across maglevds"
          >
            tables: {agreementText(t())}
          </p>
        )}
      </Show>
      <Show when={props.open}>
        <table>
          <thead>
            <tr>
              <th>pool</th>
              <th>backend</th>
              <th>state</th>
              <th>weight</th>
              <th>effective</th>
              <th>why</th>
              <th>lb buckets</th>
              <th class="nowrap">last transition</th>
              <th aria-label="probe" />
              <Show when={props.admin}>
                <th aria-label="actions" />
              </Show>
            </tr>
          </thead>
          <tbody>
            <For each={props.frontend.pools}>
              {(pool) => (
                <For each={pool.backends}>
                  {(b, i) => (
                    <tr data-backend={b.name}>
                      <td class="muted">{i() === 0 ? pool.name : ''}</td>
                      <td class="nowrap">{b.name}</td>
                      <td>
                        <Flash value={b.state}>
                          <span class={`badge ${b.state}`}>{b.state}</span>
                        </Flash>
                        <For each={rowOverrides(backend(b.name), b, props.frontend.name, pool.name)}>
                          {(o) => (
                            <div class="override muted" title={`${overrideText(o, props.now)}, set ${new Date(Number(BigInt(o.since_ns || '0') / 1_000_000n)).toLocaleString()}`}>
                              {overrideText(o, props.now)}
                            </div>
                          )}
                        </For>
                      </td>
                      <td class="num">
                        <Flash value={b.weight} />
                      </td>
                      <td class="num">
                        <Flash value={b.effective_weight} />
                        <span class="muted">{rampSuffix(b, props.now)}</span>
                      </td>
                      <td class="muted nowrap">{reasonWord(b.reason)}</td>
                      <td class="num">
                        <Flash value={bucketsOf(props.lbState, props.frontend.name, b.name) ?? '—'} />
                      </td>
                      <td class="num">{ageOf(backend(b.name)?.last_transition_ns, props.now)}</td>
                      <td>
                        <ProbeHeartbeat beating={props.probing(b.name)} />
                      </td>
                      <Show when={props.admin}>
                        <td>
                          <button
                            class="kebab"
                            aria-label={`actions for ${b.name}`}
                            onClick={() =>
                              props.onAction({
                                frontend: props.frontend.name,
                                pool: pool.name,
                                backend: b.name,
                                state: backend(b.name)?.state ?? b.state,
                                weight: b.weight,
                              })
                            }
                          >
                            ⋮
                          </button>
                        </td>
                      </Show>
                    </tr>
                  )}
                </For>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </section>
  );
}
