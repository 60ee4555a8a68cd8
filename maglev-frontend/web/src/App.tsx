import { createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { fetchOne, fetchState, fetchWhoAmI, isAdmin } from './api/client';
import { follow } from './api/sse';
import type { ServerEvent, WhoAmI } from './api/types';
import { ActionDialog } from './components/ActionDialog';
import { DebugPanel } from './components/DebugPanel';
import { EventStream } from './components/EventStream';
import { FlowLookup } from './components/FlowLookup';
import { FrontendCard, type RowAction } from './components/FrontendCard';
import { ScopeTabs } from './components/ScopeTabs';
import { SuspicionBanner } from './components/SuspicionBanner';
import { VppPanel } from './components/VppPanel';
import { badge, may } from './state/access';
import { health } from './state/cascade';
import { compareTables } from './state/fleet';
import { cookie, readCookie } from './state/cookies';
import { append, describe, isChatter, type LogLine } from './state/eventlog';
import { reduce, type Scope } from './state/reduce';

const SCOPE_COOKIE = 'maglev_scope';
const ZIPPY_COOKIE = 'maglev_zippy_open';

export function App() {
  const admin = isAdmin();
  // the logged-in user's role: the buttons are only those it allows (a viewer sees none)
  const [me, setMe] = createSignal<WhoAmI | null>(null);
  const operate = () => admin && may(me(), 'pause');
  const [scopes, setScopes] = createStore<Scope[]>([]);
  const [selected, setSelected] = createSignal(readCookie(document.cookie, SCOPE_COOKIE) ?? '');
  const [open, setOpen] = createSignal<string[]>(
    (readCookie(document.cookie, ZIPPY_COOKIE) ?? '').split(',').filter((s) => s !== ''),
  );
  const [streamOpen, setStreamOpen] = createSignal(false);
  const [error, setError] = createSignal('');
  const [now, setNow] = createSignal(Date.now());
  const [pulse, setPulse] = createSignal(false);
  const [action, setAction] = createSignal<RowAction | null>(null);
  // "maglevd/backend" of every probe in flight, from the probe-start and probe-done records
  const [probing, setProbing] = createSignal<ReadonlySet<string>>(new Set());
  const [lines, setLines] = createSignal<LogLine[]>([]);
  const [paused, setPaused] = createSignal(false);
  const [chatter, setChatter] = createSignal(false);
  const [lastId, setLastId] = createSignal('');
  const [opens, setOpens] = createSignal(0);
  const [resyncs, setResyncs] = createSignal(0);
  let pulseTimer = 0;

  // Events that arrive while the state is being fetched are applied again on top of it: the
  // fetched state may be older than they are, and the stream does not send them twice.
  const pending = new Set<ServerEvent[]>();

  const hydrate = async () => {
    const mine: ServerEvent[] = [];
    pending.add(mine);
    try {
      const all = await fetchState();
      setScopes(reconcile(all.map((state) => ({ state, settling: [] }))));
      for (const ev of mine) {
        apply(ev);
      }
      setError('');
      if (!all.some((m) => m.name === selected()) && all.length > 0) {
        setSelected(all[0].name);
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      pending.delete(mine);
    }
  };

  const apply = (ev: ServerEvent) => {
    if (ev.kind === 'resync') {
      return;
    }
    const i = scopes.findIndex((s) => s.state.name === ev.maglevd);
    if (i < 0) {
      return;
    }
    const next = reduce(scopes[i], ev);
    if (next !== scopes[i]) {
      setScopes(i, reconcile(next));
    }
  };

  const refetch = async (name: string) => {
    try {
      const state = await fetchOne(name);
      setScopes((s) => s.state.name === name, 'state', reconcile(state));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const onEvent = (ev: ServerEvent, id: string) => {
    setLastId(id);
    if (ev.kind === 'resync') {
      setResyncs(resyncs() + 1);
      void hydrate();
      return;
    }
    if (admin && !paused() && ev.maglevd === selected() && (chatter() || !isChatter(ev))) {
      const line = describe(ev, Date.now());
      if (line) {
        setLines(append(lines(), line));
      }
    }
    if (ev.kind === 'log' && (ev.log.msg === 'probe-start' || ev.log.msg === 'probe-done')) {
      const key = `${ev.maglevd}/${ev.log.attrs.backend}`;
      const next = new Set(probing());
      if (ev.log.msg === 'probe-start') {
        next.add(key);
      } else {
        next.delete(key);
      }
      setProbing(next);
      return;
    }
    if (ev.kind === 'log' && ev.maglevd === selected() && ev.log.msg.startsWith('vpp-api-')) {
      setPulse(true);
      window.clearTimeout(pulseTimer);
      pulseTimer = window.setTimeout(() => setPulse(false), 250);
    }
    pending.forEach((buffer) => buffer.push(ev));
    apply(ev);
    if (ev.kind === 'maglevd-status' && ev.connected) {
      void refetch(ev.maglevd); // what changed while it was away
    }
  };

  onMount(() => {
    if (admin) {
      fetchWhoAmI().then(setMe, (e: Error) => setError(e.message));
    }
    void hydrate();
    const stop = follow(onEvent, (isOpen) => {
      setStreamOpen(isOpen);
      if (isOpen) {
        setOpens(opens() + 1);
        // whatever happened before the stream was open is only in the state
        void hydrate();
      }
    });
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    onCleanup(() => {
      stop();
      window.clearInterval(tick);
    });
  });

  const select = (name: string) => {
    setSelected(name);
    document.cookie = cookie(SCOPE_COOKIE, name);
  };
  const toggle = (key: string) => {
    const next = open().includes(key) ? open().filter((k) => k !== key) : [...open(), key];
    setOpen(next);
    document.cookie = cookie(ZIPPY_COOKIE, next.join(','));
  };
  const scope = createMemo(() => scopes.find((s) => s.state.name === selected()));

  return (
    <main>
      <header class="top">
        <a class="logo" href="https://git.ipng.ch/ipng/vpp-maglev" title="vpp-maglev's source">
          <img src="/favicon.ico" alt="" width="24" height="24" />
        </a>
        <h1>maglev{admin ? ' · admin' : ''}</h1>
        <Show when={badge(me())}>
          <span class="muted whoami">{badge(me())}</span>
        </Show>
        <span classList={{ live: true, on: streamOpen() }}>{streamOpen() ? 'live' : 'reconnecting…'}</span>
      </header>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <ScopeTabs maglevds={scopes.map((s) => s.state)} selected={selected()} onSelect={select} />
      <Show when={scope()} fallback={<p class="muted">loading…</p>}>
        {(s) => (
          <>
            <Show when={s().state.stale}>
              <p class="error" role="alert">
                {s().state.name} is not reachable ({s().state.last_error || 'no answer yet'}): what follows is what it said
                last, not its current state.
              </p>
            </Show>
            <div classList={{ stale: s().state.stale }}>
              <VppPanel state={s().state} now={now()} pulse={pulse()} />
              <SuspicionBanner maglevd={s().state.name} suspicion={s().state.checker_suspicion} admin={admin && may(me(), 'release-checker')} />
              <For each={s().state.frontends}>
                {(f) => (
                  <FrontendCard
                    frontend={f}
                    backends={s().state.backends}
                    lbState={s().state.lb_state}
                    health={health({
                      frontend: f,
                      reachable: s().state.connected && !s().state.stale,
                      lbState: s().state.lb_state,
                      settling: s().settling.includes(f.name),
                      held: s().state.vpp_info?.warm_up?.held_frontends.includes(f.name) ?? false,
                    })}
                    open={open().includes(`${s().state.name}/${f.name}`)}
                    onToggle={() => toggle(`${s().state.name}/${f.name}`)}
                    now={now()}
                    admin={operate()}
                    onAction={setAction}
                    probing={(b) => probing().has(`${s().state.name}/${b}`)}
                    tables={compareTables(
                      f.name,
                      scopes.map((m) => ({ maglevd: m.state.name, lbState: m.state.lb_state })),
                    )}
                  />
                )}
              </For>
              <FlowLookup maglevd={s().state.name} admin={admin} frontends={s().state.frontends} />
            </div>
          </>
        )}
      </Show>
      <Show when={admin}>
        <EventStream lines={lines()} paused={paused()} onPause={setPaused} chatter={chatter()} onChatter={setChatter} />
      </Show>
      <DebugPanel lastId={lastId()} opens={opens()} resyncs={resyncs()} maglevds={scopes.map((s) => s.state)} now={now()} />
      <Show when={action()}>
        {(row) => <ActionDialog maglevd={selected()} row={row()} onClose={() => setAction(null)} />}
      </Show>
    </main>
  );
}
