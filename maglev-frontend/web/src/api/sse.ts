import type { ServerEvent } from './types';

const KINDS = ['backend-transition', 'frontend-transition', 'log', 'maglevd-status', 'lb-state', 'frontends', 'audit', 'resync'] as const;

/** How often the watchdog looks, and the jump in wall time that means the machine slept. */
const WATCH_MS = 5_000;
const JUMP_MS = 15_000;

/**
 * Follows /view/api/events. The browser reconnects by itself with Last-Event-ID (the server
 * replays or sends resync). After a sleep the socket may be dead without anyone noticing: a
 * watchdog sees the wall clock jump and opens a fresh stream.
 */
export function follow(
  onEvent: (e: ServerEvent, id: string) => void,
  onOpen: (open: boolean) => void,
): () => void {
  let source: EventSource | null = null;
  const open = () => {
    source?.close();
    const s = new EventSource('/view/api/events');
    s.onopen = () => onOpen(true);
    s.onerror = () => onOpen(false);
    for (const kind of KINDS) {
      s.addEventListener(kind, (m) => {
        const message = m as MessageEvent<string>;
        const data = JSON.parse(message.data) as object;
        onEvent({ kind, ...data } as ServerEvent, message.lastEventId);
      });
    }
    source = s;
  };
  open();
  let last = Date.now();
  const watchdog = window.setInterval(() => {
    const now = Date.now();
    if (now - last > JUMP_MS) {
      open();
    }
    last = now;
  }, WATCH_MS);
  return () => {
    window.clearInterval(watchdog);
    source?.close();
  };
}
