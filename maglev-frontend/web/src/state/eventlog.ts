import type { ServerEvent } from '../api/types';

/** One line of the admin event stream. */
export interface LogLine {
  at: number;
  kind: string;
  text: string;
}

export const MAX_LINES = 500;

/** Probe records and VPP API records come many times a second: shown only when asked for. */
export function isChatter(ev: ServerEvent): boolean {
  return ev.kind === 'log' && (ev.log.msg.startsWith('probe-') || ev.log.msg.startsWith('vpp-api-'));
}

/** A line for the event stream, or null for kinds it does not show. */
export function describe(ev: ServerEvent, at: number): LogLine | null {
  switch (ev.kind) {
    case 'backend-transition': {
      const t = ev.backend.transition;
      return { at, kind: 'backend', text: `${ev.backend.name}: ${t.from} → ${t.to} (${t.code}${t.detail ? `, ${t.detail}` : ''})` };
    }
    case 'frontend-transition':
      return { at, kind: 'frontend', text: `${ev.frontend.name}: ${ev.frontend.from} → ${ev.frontend.to}` };
    case 'log': {
      const attrs = Object.entries(ev.log.attrs)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      return { at, kind: ev.log.level, text: `${ev.log.msg}${attrs ? ` ${attrs}` : ''}` };
    }
    case 'maglevd-status':
      return { at, kind: 'maglevd', text: ev.connected ? 'connected' : `lost: ${ev.last_error}` };
    default:
      return null;
  }
}

/** Appends, keeping the newest MAX_LINES, oldest first. */
export function append(lines: LogLine[], line: LogLine): LogLine[] {
  const next = lines.length >= MAX_LINES ? lines.slice(lines.length - MAX_LINES + 1) : lines.slice();
  next.push(line);
  return next;
}
