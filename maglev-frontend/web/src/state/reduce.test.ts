import { describe, expect, it } from 'vitest';
import { reduce, type Scope } from './reduce';
import { frontend, lb, maglevd, suspect } from './testdata';

const scope = (): Scope => ({ state: maglevd(), settling: [] });

describe('reduce', () => {
  it('a backend transition changes its state everywhere and marks its frontends settling', () => {
    const before = scope();
    const after = reduce(before, {
      kind: 'backend-transition',
      maglevd: 'lb0',
      backend: { name: 'b', transition: { from: 'up', to: 'down', time_ns: '1795600800000000000', code: 'L7STS', detail: '503' } },
    });
    expect(after.state.backends.find((b) => b.name === 'b')?.state).toBe('down');
    expect(after.state.backends.find((b) => b.name === 'b')?.last_transition_ns).toBe('1795600800000000000');
    expect(after.state.frontends[0].pools[0].backends[1].state).toBe('down');
    expect(after.settling).toEqual(['web']);
    // the old scope is untouched
    expect(before.state.backends.find((b) => b.name === 'b')?.state).toBe('up');
  });

  it('events of another maglevd change nothing', () => {
    const before = scope();
    const after = reduce(before, { kind: 'frontend-transition', maglevd: 'lb9', frontend: { name: 'web', from: 'up', to: 'down' } });
    expect(after).toBe(before);
  });

  it('a frontend transition sets its state', () => {
    const after = reduce(scope(), { kind: 'frontend-transition', maglevd: 'lb0', frontend: { name: 'web', from: 'up', to: 'down' } });
    expect(after.state.frontends[0].state).toBe('down');
  });

  it('new frontends replace the old, and the changed ones settle', () => {
    const f = frontend();
    f.pools[0].backends[0].effective_weight = 50;
    const after = reduce(scope(), { kind: 'frontends', maglevd: 'lb0', frontends: [f] });
    expect(after.state.frontends[0].pools[0].backends[0].effective_weight).toBe(50);
    expect(after.settling).toEqual(['web']);
    const same = reduce(scope(), { kind: 'frontends', maglevd: 'lb0', frontends: [frontend()] });
    expect(same.settling).toEqual([]);
  });

  it("the checker's suspicion comes and goes with the frontends", () => {
    const suspicion = suspect();
    const on = reduce(scope(), { kind: 'frontends', maglevd: 'lb0', frontends: [frontend()], checker_suspicion: suspicion });
    expect(on.state.checker_suspicion).toEqual(suspicion);
    const off = reduce(on, { kind: 'frontends', maglevd: 'lb0', frontends: [frontend()], checker_suspicion: null });
    expect(off.state.checker_suspicion).toBeNull();
  });

  it("the backends' overrides come with the frontends, and leave with them", () => {
    const pause = {
      kind: 'pause',
      backend: 'b',
      frontend: '',
      pool: '',
      weight: 0,
      actor: 'ops',
      reason: 'kernel upgrade',
      since_ns: '1795600800000000000',
      until_ns: '1795608000000000000',
    };
    const on = reduce(scope(), { kind: 'frontends', maglevd: 'lb0', frontends: [frontend()], overrides: { b: [pause] } });
    expect(on.state.backends.find((b) => b.name === 'b')?.overrides).toEqual([pause]);
    expect(on.state.backends.find((b) => b.name === 'a')?.overrides).toEqual([]);
    const off = reduce(on, { kind: 'frontends', maglevd: 'lb0', frontends: [frontend()], overrides: { b: [] } });
    expect(off.state.backends.find((b) => b.name === 'b')?.overrides).toEqual([]);
    // an older frontend sends none: what the page had stays
    const old = reduce(on, { kind: 'frontends', maglevd: 'lb0', frontends: [frontend()] });
    expect(old.state.backends).toBe(on.state.backends);
  });

  it('an lb state ends settling', () => {
    const settling: Scope = { ...scope(), settling: ['web'] };
    const after = reduce(settling, { kind: 'lb-state', maglevd: 'lb0', lb_state: lb({ a: 1024 }) });
    expect(after.settling).toEqual([]);
    expect(after.state.lb_state?.vips[0].ases[0].buckets).toBe(1024);
  });

  it('a lost maglevd is marked stale, a found one is connected again', () => {
    const lost = reduce(scope(), { kind: 'maglevd-status', maglevd: 'lb0', connected: false, last_error: 'UNAVAILABLE: io exception' });
    expect(lost.state.connected).toBe(false);
    expect(lost.state.stale).toBe(true);
    expect(lost.state.last_error).toBe('UNAVAILABLE: io exception');
    const found = reduce(lost, { kind: 'maglevd-status', maglevd: 'lb0', connected: true, last_error: '' });
    expect(found.state.connected).toBe(true);
  });

  it('VPP going away clears its lb state', () => {
    const after = reduce(scope(), { kind: 'log', maglevd: 'lb0', time_ns: '1', log: { level: 'info', msg: 'vpp-disconnect', attrs: {} } });
    expect(after.state.vpp_state).toBe('disconnected');
    expect(after.state.lb_state).toBeNull();
  });

  it('other log records change nothing', () => {
    const before = scope();
    expect(reduce(before, { kind: 'log', maglevd: 'lb0', time_ns: '1', log: { level: 'debug', msg: 'probe-done', attrs: {} } })).toBe(before);
  });
  it('an audit record changes nothing shown (its changes come as their own events)', () => {
    const before = scope();
    const after = reduce(before, {
      kind: 'audit',
      maglevd: 'lb0',
      time_ns: '1',
      audit: { actor: 'olga', identity: '', peer: '', role: 'operator', rpc: 'PauseBackend', args: { name: 'b' }, result: 'OK', detail: '' },
    });
    expect(after).toBe(before);
  });
});
