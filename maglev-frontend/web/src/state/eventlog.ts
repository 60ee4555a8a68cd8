import type { Audit, ServerEvent } from '../api/types';

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
      if (ev.log.msg === 'audit') {
        return null; // the same call comes as an audit event, which says it better
      }
      const attrs = Object.entries(ev.log.attrs)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      return { at, kind: ev.log.level, text: `${ev.log.msg}${attrs ? ` ${attrs}` : ''}` };
    }
    case 'audit':
      return { at, kind: ev.audit.result === 'OK' ? 'audit' : 'refused', text: auditText(ev.audit) };
    case 'maglevd-status':
      return { at, kind: 'maglevd', text: ev.connected ? 'connected' : `lost: ${ev.last_error}` };
    default:
      return null;
  }
}

/** A ttl in nanoseconds as the dialogs write it: 90m, 2h, 1d; "" for none. */
function ttlText(ns: string): string {
  const s = Math.round(Number(ns) / 1e9);
  if (!Number.isFinite(s) || s <= 0) {
    return '';
  }
  for (const [unit, n] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (s % n === 0) {
      return `${s / n}${unit}`;
    }
  }
  return `${s}s`;
}

/**
 * An audited call as one line: who (and through which certificate, when that is another name),
 * the RPC and its arguments, how it went, and why it was made.
 * E.g. `olga (dash-a) PauseBackend name=web1 for 2h: OK, reason "kernel upgrade"`.
 */
export function auditText(a: Audit): string {
  const who = a.identity && a.identity !== a.actor ? `${a.actor} (${a.identity})` : a.actor;
  const args = Object.entries(a.args)
    .filter(([k]) => k !== 'reason' && k !== 'ttl_ns')
    .map(([k, v]) => `${k}=${v}`);
  const ttl = ttlText(a.args.ttl_ns ?? '');
  if (ttl) {
    args.push(`for ${ttl}`);
  }
  const result = a.result === 'OK' ? 'OK' : `refused, ${a.result}${a.detail ? `: ${a.detail}` : ''}`;
  const reason = a.args.reason ? `, reason "${a.args.reason}"` : '';
  return `${who} ${a.rpc}${args.length ? ` ${args.join(' ')}` : ''}: ${result}${reason}`;
}

/** Appends, keeping the newest MAX_LINES, oldest first. */
export function append(lines: LogLine[], line: LogLine): LogLine[] {
  const next = lines.length >= MAX_LINES ? lines.slice(lines.length - MAX_LINES + 1) : lines.slice();
  next.push(line);
  return next;
}
