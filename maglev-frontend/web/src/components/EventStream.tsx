import { createEffect, createSignal, For } from 'solid-js';
import type { LogLine } from '../state/eventlog';

/** The admin's event stream: oldest at the top, following the newest unless paused. */
export function EventStream(props: {
  lines: LogLine[];
  paused: boolean;
  onPause: (paused: boolean) => void;
  chatter: boolean;
  onChatter: (on: boolean) => void;
}) {
  let list: HTMLDivElement | undefined;
  const [count, setCount] = createSignal(0);
  createEffect(() => {
    setCount(props.lines.length);
    if (!props.paused && list) {
      list.scrollTop = list.scrollHeight;
    }
  });
  return (
    <section class="card events" aria-label="event stream">
      <div class="event-list" ref={list}>
        <For each={props.lines}>
          {(l) => (
            <div class={`event ${l.kind}`}>
              <span class="muted">{new Date(l.at).toLocaleTimeString()}</span> <span class="kind">{l.kind}</span> {l.text}
            </div>
          )}
        </For>
      </div>
      <div class="menu">
        <button onClick={() => props.onPause(!props.paused)}>{props.paused ? 'resume' : 'pause'}</button>
        <label>
          <input type="checkbox" checked={props.chatter} onChange={(e) => props.onChatter(e.currentTarget.checked)} /> probes and
          API calls
        </label>
        <span class="muted">{count()} events</span>
      </div>
    </section>
  );
}
