import { describe as group, expect, it } from 'vitest';
import type { Audit } from '../api/types';
import { append, auditText, describe, isChatter, MAX_LINES, type LogLine } from './eventlog';

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
  it('show audited calls: who, what, how it went, why', () => {
    const pause: Audit = {
      actor: 'olga',
      identity: 'dash-a',
      peer: '127.0.0.1:40312',
      role: 'operator',
      rpc: 'PauseBackend',
      args: { name: 'web1', reason: 'kernel upgrade', ttl_ns: '7200000000000' },
      result: 'OK',
      detail: '',
    };
    expect(describe({ kind: 'audit', maglevd: 'lb0', time_ns: '1', audit: pause }, 5)).toEqual({
      at: 5,
      kind: 'audit',
      text: 'olga (dash-a) PauseBackend name=web1 for 2h: OK, reason "kernel upgrade"',
    });
    const refused: Audit = {
      ...pause,
      actor: 'ada',
      rpc: 'ReloadConfig',
      args: {},
      result: 'PERMISSION_DENIED',
      detail: 'ReloadConfig needs role admin; dash-a has role operator',
    };
    expect(describe({ kind: 'audit', maglevd: 'lb0', time_ns: '1', audit: refused }, 0)).toEqual({
      at: 0,
      kind: 'refused',
      text: 'ada (dash-a) ReloadConfig: refused, PERMISSION_DENIED: ReloadConfig needs role admin; dash-a has role operator',
    });
    // the certificate's own name as the actor is not said twice; odd ttls keep their seconds
    expect(auditText({ ...pause, actor: 'dash-a', args: { name: 'web1', ttl_ns: '90000000000' } })).toBe(
      'dash-a PauseBackend name=web1 for 90s: OK',
    );
    expect(auditText({ ...pause, identity: '', args: { frontend: 'site', weight: '0', ttl_ns: '5400000000000' } })).toBe(
      'olga PauseBackend frontend=site weight=0 for 90m: OK',
    );
    expect(isChatter({ kind: 'audit', maglevd: 'lb0', time_ns: '1', audit: pause })).toBe(false);
    // maglevd's audit log record of the same call is not shown twice
    expect(
      describe({ kind: 'log', maglevd: 'lb0', time_ns: '1', log: { level: 'info', msg: 'audit', attrs: { actor: 'olga', rpc: 'PauseBackend' } } }, 0),
    ).toBeNull();
  });
});
