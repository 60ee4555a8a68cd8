package ch.ipng.maglev.vppsim;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Forwards TCP connections to VIPs as the lb plugin forwards their packets: a listener per
 * forwarded VIP ({@link ForwardRules}), the AS of each new connection from VPP's flow hash and the
 * VIP's new-flow table ({@link Simulator#newFlow}), kept for the connection's life unless a flush
 * moves it, bytes relayed both ways to the AS on the VIP's port. One thread with one selector; at
 * most {@link #MAX_CONNECTIONS} connections with two {@link #BUFFER}-byte buffers each.
 *
 * <p>Listeners follow the lb state: a VIP's listener opens when the VIP is added and closes when it
 * is deleted; its connections are then reset, as are those of a flushed AS whose flows the table
 * now sends elsewhere, and all of them on a restart.
 */
final class Forwarder implements AutoCloseable {
  /** Connections relayed at once; more are reset at once and counted as refused. */
  static final int MAX_CONNECTIONS = 4096;

  /** Bytes buffered per connection and direction. */
  static final int BUFFER = 16 * 1024;

  private final Simulator sim;
  private final ForwardRules rules;
  private final int maxConnections;
  private final Consumer<String> log;
  private final Selector selector;
  private final AtomicBoolean dirty = new AtomicBoolean(true);
  private final Map<InetSocketAddress, Listener> listeners = new HashMap<>();
  private final Set<Relay> relays = new HashSet<>();
  private final Set<String> logged = new HashSet<>();
  private final Thread thread;
  private volatile boolean running = true;

  // counters, written by the forwarder's thread only
  private volatile long accepted;
  private volatile long noServer;
  private volatile long cut;
  private volatile long refused;
  private volatile long unreachable;
  private volatile int open;
  private volatile int listening;

  private static final class Listener {
    final ServerSocketChannel channel;
    ForwardRules.Target target;

    Listener(ServerSocketChannel channel, ForwardRules.Target target) {
      this.channel = channel;
      this.target = target;
    }
  }

  /** One relayed connection: the client's socket, the AS's, and a buffer each way. */
  private final class Relay {
    final Flow flow;
    final SocketChannel client;
    final SocketChannel server;
    final ByteBuffer up = ByteBuffer.allocate(BUFFER);
    final ByteBuffer down = ByteBuffer.allocate(BUFFER);
    @Nullable SelectionKey clientKey;
    @Nullable SelectionKey serverKey;
    boolean connected;
    boolean clientEof;
    boolean serverEof;
    boolean upShut;
    boolean downShut;

    Relay(Flow flow, SocketChannel client, SocketChannel server) {
      this.flow = flow;
      this.client = client;
      this.server = server;
    }

    void interest() {
      if (clientKey == null || serverKey == null) {
        return;
      }
      int c = 0;
      int s = 0;
      if (!connected) {
        s |= SelectionKey.OP_CONNECT;
      } else {
        if (!clientEof && up.hasRemaining()) {
          c |= SelectionKey.OP_READ;
        }
        if (!serverEof && down.hasRemaining()) {
          s |= SelectionKey.OP_READ;
        }
        if (up.position() > 0) {
          s |= SelectionKey.OP_WRITE;
        }
        if (down.position() > 0) {
          c |= SelectionKey.OP_WRITE;
        }
      }
      clientKey.interestOps(c);
      serverKey.interestOps(s);
    }
  }

  /** Which end of a relay a key belongs to. */
  private record End(Relay relay, boolean client) {}

  Forwarder(Simulator sim, ForwardRules rules, Consumer<String> log) throws IOException {
    this(sim, rules, log, MAX_CONNECTIONS);
  }

  /** With another bound on open connections, for tests. */
  Forwarder(Simulator sim, ForwardRules rules, Consumer<String> log, int maxConnections)
      throws IOException {
    this.sim = sim;
    this.rules = rules;
    this.maxConnections = maxConnections;
    this.log = log;
    this.selector = Selector.open();
    this.thread = Thread.ofPlatform().daemon().name("vppsim-forward").unstarted(this::loop);
  }

  void start() {
    sim.onChange(this::changed);
    thread.start();
  }

  /** The lb state changed: listeners and connections are checked on the forwarder's thread. */
  void changed() {
    dirty.set(true);
    selector.wakeup();
  }

  /** The control channel's line. */
  String status() {
    return "listeners "
        + listening
        + " connections "
        + open
        + " accepted "
        + accepted
        + " no-server "
        + noServer
        + " cut "
        + cut
        + " refused "
        + refused
        + " unreachable "
        + unreachable;
  }

  private void loop() {
    while (running) {
      try {
        selector.select();
        if (!running) {
          break;
        }
        if (dirty.getAndSet(false)) {
          reconcile();
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          handle(k);
        }
      } catch (IOException | RuntimeException e) {
        // the loop must not die: report and go on
        log.accept("forwarding: " + e);
      }
    }
  }

  private void handle(SelectionKey k) {
    Object a = k.attachment();
    if (a instanceof Listener l) {
      acceptAll(l);
      return;
    }
    End e = (End) a;
    Relay r = e.relay();
    try {
      if (!k.isValid()) {
        return;
      }
      if (!e.client() && k.isConnectable()) {
        r.connected = r.server.finishConnect();
      }
      if (e.client()) {
        if (k.isReadable()) {
          readClient(r);
        }
        if (k.isValid() && k.isWritable()) {
          drain(r.down, r.client);
        }
      } else if (r.connected) {
        if (k.isReadable()) {
          int n = r.server.read(r.down);
          if (n < 0) {
            r.serverEof = true;
          }
        }
        if (k.isValid() && k.isWritable()) {
          drain(r.up, r.server);
        }
      }
      halfClose(r);
      if (r.clientEof && r.serverEof && r.upShut && r.downShut) {
        finish(r, false);
      } else {
        r.interest();
      }
    } catch (IOException | CancelledKeyException ex) {
      finish(r, true);
    }
  }

  private void readClient(Relay r) throws IOException {
    int n = r.client.read(r.up);
    if (n > 0) {
      sim.packets(r.flow, 1);
    } else if (n < 0) {
      r.clientEof = true;
      sim.packets(r.flow, 1);
    }
  }

  private static void drain(ByteBuffer b, SocketChannel to) throws IOException {
    b.flip();
    try {
      to.write(b);
    } finally {
      b.compact();
    }
  }

  /** Passes an end of stream on once everything before it went out. */
  private static void halfClose(Relay r) throws IOException {
    if (r.clientEof && !r.upShut && r.up.position() == 0 && r.connected) {
      r.server.shutdownOutput();
      r.upShut = true;
    }
    if (r.serverEof && !r.downShut && r.down.position() == 0) {
      r.client.shutdownOutput();
      r.downShut = true;
    }
  }

  private void acceptAll(Listener l) {
    while (true) {
      SocketChannel c;
      try {
        c = l.channel.accept();
      } catch (IOException e) {
        once("accept on " + ForwardRules.format(l.target.listen()), e.getMessage());
        return;
      }
      if (c == null) {
        return;
      }
      accept(l.target, c);
    }
  }

  private void accept(ForwardRules.Target t, SocketChannel c) {
    if (relays.size() >= maxConnections) {
      refused++;
      reset(c);
      return;
    }
    Flow flow;
    InetSocketAddress peer;
    try {
      peer = (InetSocketAddress) c.getRemoteAddress();
      flow = sim.newFlow(t, peer.getAddress(), peer.getPort());
    } catch (IOException e) {
      reset(c);
      return;
    }
    if (flow == null) {
      reset(c);
      return;
    }
    if (flow.as == null) {
      noServer++;
      reset(c);
      return;
    }
    accepted++;
    InetSocketAddress to = rules.as(flow.as.address, t.port());
    if (to == null) {
      unreachable++;
      once(
          "as " + Addresses.format(flow.as.address),
          "not a loopback address and no --forward-as mapping: not contacted");
      sim.endFlow(flow);
      reset(c);
      return;
    }
    SocketChannel s = null;
    try {
      c.configureBlocking(false);
      c.setOption(StandardSocketOptions.TCP_NODELAY, true);
      s = SocketChannel.open();
      s.configureBlocking(false);
      s.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Relay r = new Relay(flow, c, s);
      r.connected = s.connect(to);
      r.clientKey = c.register(selector, 0, new End(r, true));
      r.serverKey = s.register(selector, 0, new End(r, false));
      relays.add(r);
      open = relays.size();
      r.interest();
    } catch (IOException e) {
      sim.endFlow(flow);
      reset(c);
      if (s != null) {
        reset(s);
      }
    }
  }

  /** Ends a relay; {@code abort} resets both ends (a broken flow), else closes them. */
  private void finish(Relay r, boolean abort) {
    if (!relays.remove(r)) {
      return;
    }
    open = relays.size();
    sim.endFlow(r.flow);
    if (abort) {
      reset(r.client);
      reset(r.server);
    } else {
      closeQuietly(r.client);
      closeQuietly(r.server);
    }
  }

  /** Listeners for the VIPs that exist now; connections that lost their AS reset. */
  private void reconcile() {
    Map<InetSocketAddress, ForwardRules.Target> want = new HashMap<>();
    for (ForwardRules.Target t : sim.forwardTargets(rules)) {
      want.putIfAbsent(t.listen(), t);
    }
    for (Iterator<Map.Entry<InetSocketAddress, Listener>> it = listeners.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<InetSocketAddress, Listener> e = it.next();
      ForwardRules.Target t = want.get(e.getKey());
      if (t == null) {
        closeQuietly(e.getValue().channel);
        it.remove();
        log.accept("forwarding: stopped " + describe(e.getValue().target));
      } else {
        e.getValue().target = t;
      }
    }
    for (ForwardRules.Target t : want.values()) {
      if (listeners.containsKey(t.listen())) {
        continue;
      }
      try {
        ServerSocketChannel ch = ServerSocketChannel.open();
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        ch.bind(t.listen(), 1024);
        ch.configureBlocking(false);
        Listener l = new Listener(ch, t);
        ch.register(selector, SelectionKey.OP_ACCEPT, l);
        listeners.put(t.listen(), l);
        logged.remove("listen " + ForwardRules.format(t.listen()));
        log.accept("forwarding: " + describe(t));
      } catch (IOException e) {
        once("listen " + ForwardRules.format(t.listen()), "cannot listen: " + e.getMessage());
      }
    }
    listening = listeners.size();
    for (Relay r : new ArrayList<>(relays)) {
      if (!sim.alive(r.flow)) {
        cut++;
        finish(r, true);
      }
    }
  }

  private static String describe(ForwardRules.Target t) {
    return "VIP "
        + ForwardRules.format(new InetSocketAddress(t.vip(), t.port()))
        + " (tcp) on "
        + ForwardRules.format(t.listen());
  }

  private void once(String what, @Nullable String message) {
    if (logged.add(what)) {
      log.accept("forwarding: " + what + ": " + message);
    }
  }

  private static void reset(SocketChannel c) {
    try {
      c.setOption(StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException | RuntimeException e) {
      // not connected: a plain close
    }
    closeQuietly(c);
  }

  private static void closeQuietly(java.nio.channels.Channel c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    running = false;
    selector.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Relay> all = new ArrayList<>(relays);
    for (Relay r : all) {
      finish(r, true);
    }
    for (Listener l : listeners.values()) {
      closeQuietly(l.channel);
    }
    listeners.clear();
    selector.close();
  }
}
