import { For } from 'solid-js';
import type { MaglevdState } from '../api/types';

/** One tab per maglevd; the dot is red while that maglevd is lost. */
export function ScopeTabs(props: { maglevds: MaglevdState[]; selected: string; onSelect: (name: string) => void }) {
  return (
    <nav class="tabs" role="tablist" aria-label="maglevds">
      <For each={props.maglevds}>
        {(m) => (
          <button
            role="tab"
            aria-selected={m.name === props.selected}
            classList={{ tab: true, selected: m.name === props.selected }}
            onClick={() => props.onSelect(m.name)}
            title={m.connected ? m.address : `${m.address}: ${m.last_error}`}
          >
            <span classList={{ dot: true, down: !m.connected }} aria-label={m.connected ? 'connected' : 'not connected'} />
            {m.name}
          </button>
        )}
      </For>
    </nav>
  );
}
