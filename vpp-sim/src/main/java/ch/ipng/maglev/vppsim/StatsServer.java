package ch.ipng.maglev.vppsim;

import ch.ipng.maglev.vpp.stats.FdSockets;
import ch.ipng.maglev.vpp.stats.StatsSegment;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * VPP's stats segment and socket: a memfd with the version-2 layout (header, directory vector of
 * 144-byte entries, counter vectors with their 8-byte headers, pointers as base + offset), handed
 * to each client over a SOCK_SEQPACKET socket as an empty message with SCM_RIGHTS, then closed.
 *
 * <p>Structural changes (new entries, longer vectors) are written into the other half of the
 * segment under in_progress with an epoch bump, so a reader's old pointers stay readable while it
 * notices; counter values are updated in place, as VPP's workers do.
 */
final class StatsServer implements AutoCloseable {
  static final int SIZE = 4 << 20;
  private static final long BASE = 0x7f5a_0000_0000L;
  private static final int HALF = SIZE / 2;
  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The lb nodes that register the two error counters each, as in the captured directory. */
  private static final List<String> LB_NODES =
      List.of(
          "lb-nat6-in2out",
          "lb-nat4-in2out",
          "lb6-nodeport",
          "lb4-nodeport",
          "lb4-nat4-port",
          "lb6-nat6-port",
          "lb4-l3dsr",
          "lb4-l3dsr-port",
          "lb6-gre4-port",
          "lb6-gre6-port",
          "lb4-gre4-port",
          "lb4-gre6-port",
          "lb6-gre4",
          "lb6-gre6",
          "lb4-gre4",
          "lb4-gre6");

  private final Path path;
  private final Simulator sim;
  private final int memfd;
  private final int listenFd;
  private final MappedByteBuffer mem;
  private volatile boolean open = true;

  /** Where the current layout keeps the values it updates in place. */
  private int heartbeatEntry;

  private int errorsVector;
  private final int[] lbVectors = new int[4];
  private int lbLength = -1;
  private int half;
  private long heartbeat;

  StatsServer(Path path, Simulator sim) throws IOException {
    this.path = path;
    this.sim = sim;
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    this.memfd = FdSockets.memfd("stat segment", SIZE);
    try (FileChannel ch =
        FileChannel.open(
            Path.of("/proc/self/fd/" + memfd), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      this.mem = ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
    }
    mem.order(ByteOrder.LITTLE_ENDIAN);
    mem.putLong(0, 2);
    mem.putLong(8, BASE);
    publish();
    this.listenFd = FdSockets.listen(path);
    Thread.ofPlatform().daemon().name("stats-accept").start(this::acceptLoop);
  }

  private void acceptLoop() {
    while (open) {
      try {
        int client = FdSockets.accept(listenFd);
        try {
          FdSockets.sendFd(client, memfd);
        } finally {
          FdSockets.close(client);
        }
      } catch (IOException e) {
        if (!open) {
          return;
        }
      }
    }
  }

  /** After a simulated restart: a fresh layout without the lb counters. */
  synchronized void restart() {
    lbLength = -1;
    heartbeat = 0;
    publish();
  }

  /** Rewrites the layout at once when the VIP pool grew, so new counters show without delay. */
  synchronized void refreshLayout() {
    int vips;
    synchronized (sim) {
      vips = sim.lb().vips.size();
    }
    if (vips > 1 && vips > lbLength) {
      publish();
    }
  }

  /** Brings the segment up to date with the simulator: layout if needed, then values. */
  synchronized void publish() {
    LbPlugin lb = sim.lb();
    long[][] counters;
    boolean anyVip;
    synchronized (sim) {
      anyVip = lb.vips.size() > 1;
      counters = new long[4][lb.vips.size()];
      for (int i = 1; i < lb.vips.size(); i++) {
        LbPlugin.Vip v = lb.vips.get(i);
        if (v != null) {
          for (int c = 0; c < 4; c++) {
            counters[c][i] = v.counters[c];
          }
        }
      }
    }
    int wanted = anyVip || lbLength >= 0 ? Math.max(counters[0].length, lbLength) : -1;
    if (wanted != lbLength || (long) LONGS.getAcquire(mem, 32) == 0) {
      lbLength = wanted;
      writeLayout();
    }
    heartbeat++;
    mem.putLong(heartbeatEntry + 8, heartbeat);
    if (lbLength >= 0) {
      for (int c = 0; c < 4; c++) {
        for (int i = 0; i < counters[c].length; i++) {
          mem.putLong(lbVectors[c] + 8 * i, counters[c][i]);
        }
      }
      long blackholed = 0;
      for (long v : counters[3]) {
        blackholed += v;
      }
      mem.putLong(errorsVector, blackholed);
    }
  }

  private record Spec(int type, String name, long value) {}

  private void writeLayout() {
    LONGS.setRelease(mem, 24, 1L);
    half = half == 0 ? 1 : 0;
    int[] next = {half == 0 ? 4096 : HALF};
    List<Spec> specs = new ArrayList<>();
    specs.add(new Spec(1, "/sys/heartbeat", heartbeat));
    specs.add(new Spec(1, "/sys/last_stats_clear", 0));
    specs.add(new Spec(1, "/sys/boottime", sim.bootTime()));
    specs.add(new Spec(9, "/sys/vector_rate", 0));
    specs.add(new Spec(9, "/sys/num_worker_threads", 0));
    int errorCount = 1 + 2 * LB_NODES.size();
    errorsVector = simpleVector(next, errorCount);
    int errorsIndex = specs.size();
    specs.add(new Spec(2, "/node/errors", pointerOfThreads(next, errorsVector)));
    int element = 0;
    specs.add(new Spec(6, "/err/null-node/blackholed packets", symlink(errorsIndex, element++)));
    for (String node : LB_NODES) {
      specs.add(new Spec(6, "/err/" + node + "/no error", symlink(errorsIndex, element++)));
      specs.add(
          new Spec(6, "/err/" + node + "/protocol not supported", symlink(errorsIndex, element++)));
    }
    if (lbLength >= 0) {
      for (int c = 0; c < 4; c++) {
        lbVectors[c] = simpleVector(next, lbLength);
        specs.add(new Spec(2, Cli.COUNTER_NAMES.get(c), pointerOfThreads(next, lbVectors[c])));
      }
    }
    int dir = vector(next, specs.size(), StatsSegment.ENTRY_SIZE);
    for (int i = 0; i < specs.size(); i++) {
      int e = dir + i * StatsSegment.ENTRY_SIZE;
      Spec s = specs.get(i);
      mem.putInt(e, s.type());
      mem.putInt(e + 4, 0);
      mem.putLong(e + 8, s.value());
      byte[] name = s.name().getBytes(StandardCharsets.UTF_8);
      mem.put(e + 16, name);
      mem.put(e + 16 + name.length, new byte[128 - name.length]);
      if (s.name().equals("/sys/heartbeat")) {
        heartbeatEntry = e;
      }
    }
    mem.putLong(32, BASE + dir);
    LONGS.setRelease(mem, 16, (long) LONGS.getAcquire(mem, 16) + 1);
    LONGS.setRelease(mem, 24, 0L);
  }

  private static long symlink(int target, int element) {
    return ((long) element << 32) | target;
  }

  /** A vector of {@code n} elements of {@code size} bytes; returns the data offset. */
  private int vector(int[] next, int n, int size) {
    int data = (next[0] + 8 + 15) & ~15;
    mem.putInt(data - 8, n);
    mem.putInt(data - 4, 0);
    mem.put(data, new byte[n * size]);
    next[0] = data + n * size;
    return data;
  }

  private int simpleVector(int[] next, int n) {
    return vector(next, n, 8);
  }

  /** The per-thread pointer vector (one thread here) in front of a counter vector. */
  private long pointerOfThreads(int[] next, int counters) {
    int threads = vector(next, 1, 8);
    mem.putLong(threads, BASE + counters);
    return BASE + threads;
  }

  @Override
  public void close() throws IOException {
    open = false;
    FdSockets.shutdown(listenFd);
    FdSockets.close(listenFd);
    Files.deleteIfExists(path);
  }
}
