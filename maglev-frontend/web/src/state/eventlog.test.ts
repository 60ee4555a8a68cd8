import { describe as group, expect, it } from 'vitest';
import { append, describe, isChatter, MAX_LINES, type LogLine } from './eventlog';

group('event stream lines', () => {
  it('describe transitions, records and status', () => {
    expect(
      describe(
        { kind: 'backend-transition', maglevd: 'lb0', backend: { name: 'a', transition: { from: 'up', to: 'down', time_ns: '1', code: 'L7STS', detail: 'HTTP 503' } } },
        0,
      )?.text,
    ).toBe('a: up → down (L7STS, HTTP 503)');
    expect(describe({ kind: 'log', maglevd: 'lb0', time_ns: '1', log: { level: 'info', msg: 'vpp-connect', attrs: { pid: '7' } } }, 0)?.text).toBe(
      'vpp-connect pid=7',
    );
    expect(describe({ kind: 'maglevd-status', maglevd: 'lb0', connected: false, last_error: 'UNAVAILABLE' }, 0)?.text).toBe('lost: UNAVAILABLE');
    expect(describe({ kind: 'resync' }, 0)).toBeNull();
  });
  it('tell chatter apart', () => {
    expect(isChatter({ kind: 'log', maglevd: 'lb0', time_ns: '1', log: { level: 'debug', msg: 'probe-done', attrs: {} } })).toBe(true);
    expect(isChatter({ kind: 'log', maglevd: 'lb0', time_ns: '1', log: { level: 'info', msg: 'vpp-lb-sync', attrs: {} } })).toBe(false);
  });
  it('keep the newest lines, oldest first', () => {
    let lines: LogLine[] = [];
    for (let i = 0; i < MAX_LINES + 10; i++) {
      lines = append(lines, { at: i, kind: 'info', text: `${i}` });
    }
    expect(lines).toHaveLength(MAX_LINES);
    expect(lines[0].text).toBe('10');
    expect(lines[lines.length - 1].text).toBe(`${MAX_LINES + 9}`);
  });
});
