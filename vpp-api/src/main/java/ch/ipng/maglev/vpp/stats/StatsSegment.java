package ch.ipng.maglev.vpp.stats;

import ch.ipng.maglev.vpp.api.VppException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A reader of VPP's stats segment (shared header version 2): the memory VPP shares through its
 * stats socket, read lock-free under the epoch / in_progress protocol. Memory is host order
 * (little-endian); pointers are VPP's addresses, translated by subtracting the header's base.
 */
public final class StatsSegment implements AutoCloseable {
  public static final int SCALAR_INDEX = 1;
  public static final int COUNTER_VECTOR_SIMPLE = 2;
  public static final int COUNTER_VECTOR_COMBINED = 3;
  public static final int NAME_VECTOR = 4;
  public static final int EMPTY = 5;
  public static final int SYMLINK = 6;
  public static final int GAUGE = 9;

  /** The four per-VIP counters of the lb plugin, in VPP's order, indexed [thread][VIP index]. */
  public static final List<String> LB_VIP_COUNTERS =
      List.of(
          "packet from existing sessions",
          "first session packet",
          "untracked packet",
          "no server configured");

  /** Bytes of one directory entry: u32 type, 4 pad, u64 value or pointer, char name[128]. */
  public static final int ENTRY_SIZE = 144;

  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int ATTEMPTS = 1000;

  /** One directory entry: {@code value} is the scalar, gauge or raw union word. */
  public record Entry(int index, int type, String name, long value) {
    /** For a symlink: the directory index of the target. */
    public int symlinkTarget() {
      return (int) value;
    }

    /** For a symlink: the element index inside the target. */
    public int symlinkElement() {
      return (int) (value >>> 32);
    }
  }

  private final ByteBuffer mem;
  private long cachedEpoch = -1;
  private int cachedDirectoryOffset;
  private List<Entry> cachedDirectory = List.of();
  private Map<String, Entry> cachedByName = Map.of();

  private StatsSegment(ByteBuffer mem) {
    this.mem = mem.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Connects to the stats socket, receives the segment's file descriptor and maps the segment
   * read-only.
   */
  public static StatsSegment connect(Path socket, Duration timeout) {
    int fd;
    try {
      fd = FdSockets.receiveFd(socket, timeout);
    } catch (IOException e) {
      throw new VppException("VPP stats socket " + socket + ": " + e.getMessage(), e);
    }
    try (FileChannel ch =
        FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ)) {
      StatsSegment s = new StatsSegment(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
      s.checkVersion(socket.toString());
      return s;
    } catch (IOException e) {
      throw new VppException("cannot map the stats segment from " + socket + ": " + e, e);
    } finally {
      FdSockets.close(fd);
    }
  }

  /** A segment already in memory (a copy, or a test's layout). */
  public static StatsSegment of(ByteBuffer memory) {
    ByteBuffer direct = memory;
    if (!memory.isDirect()) {
      // acquire reads need direct memory, as the real mapping is
      direct = ByteBuffer.allocateDirect(memory.capacity()).put(memory.duplicate().clear()).clear();
    }
    StatsSegment s = new StatsSegment(direct);
    s.checkVersion("buffer");
    return s;
  }

  private void checkVersion(String where) {
    long version = mem.getLong(0);
    if (version != 2) {
      throw new VppException(
          where + ": stats segment version " + version + ", this client reads version 2");
    }
  }

  public long epoch() {
    return (long) LONGS.getAcquire(mem, 16);
  }

  private boolean inProgress() {
    return (long) LONGS.getAcquire(mem, 24) != 0;
  }

  /** Size of the mapping in bytes. */
  public int size() {
    return mem.capacity();
  }

  /** Runs {@code read} until it sees a consistent segment (no writer active, epoch unchanged). */
  public synchronized <T> T consistent(Function<StatsSegment, T> read) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      long epoch = epoch();
      if (inProgress()) {
        LockSupport.parkNanos(10_000);
        continue;
      }
      try {
        T value = read.apply(this);
        if (!inProgress() && epoch() == epoch) {
          return value;
        }
      } catch (IndexOutOfBoundsException | IllegalArgumentException | VppException e) {
        last = e; // pointers moved under us: retry against the new layout
      }
    }
    throw new VppException(
        "the stats segment kept changing over "
            + ATTEMPTS
            + " attempts"
            + (last == null ? "" : ": " + last.getMessage()));
  }

  private int offset(long pointer) {
    long base = mem.getLong(8);
    long off = pointer - base;
    if (off <= 0 || off >= mem.capacity()) {
      throw new IndexOutOfBoundsException(
          "pointer 0x" + Long.toHexString(pointer) + " is outside the segment");
    }
    return (int) off;
  }

  private int vectorLength(int dataOffset) {
    return mem.getInt(dataOffset - 8);
  }

  /** The directory, read once per epoch. Call inside {@link #consistent}. */
  public List<Entry> directory() {
    long epoch = epoch();
    if (epoch == cachedEpoch) {
      return cachedDirectory;
    }
    int dir = offset(mem.getLong(32));
    int n = vectorLength(dir);
    if (n < 0 || (long) dir + (long) n * ENTRY_SIZE > mem.capacity()) {
      throw new IndexOutOfBoundsException("directory of " + n + " entries runs past the segment");
    }
    List<Entry> entries = new ArrayList<>(n);
    Map<String, Entry> byName = new HashMap<>();
    byte[] name = new byte[128];
    for (int i = 0; i < n; i++) {
      int e = dir + i * ENTRY_SIZE;
      mem.get(e + 16, name);
      int len = 0;
      while (len < name.length && name[len] != 0) {
        len++;
      }
      Entry entry =
          new Entry(
              i,
              mem.getInt(e),
              new String(name, 0, len, StandardCharsets.UTF_8),
              mem.getLong(e + 8));
      entries.add(entry);
      if (entry.type() != EMPTY) {
        byName.put(entry.name(), entry);
      }
    }
    cachedEpoch = epoch;
    cachedDirectoryOffset = dir;
    cachedDirectory = List.copyOf(entries);
    cachedByName = byName;
    return cachedDirectory;
  }

  /** An entry by name, or null. Call inside {@link #consistent}. */
  public @Nullable Entry entry(String name) {
    directory();
    return cachedByName.get(name);
  }

  /** A simple counter vector as [thread][index]. Call inside {@link #consistent}. */
  public long[][] simpleCounters(Entry e) {
    if (e.type() != COUNTER_VECTOR_SIMPLE) {
      throw new IllegalArgumentException(e.name() + " is not a simple counter vector");
    }
    int threads = offset(e.value());
    int n = vectorLength(threads);
    long[][] out = new long[n][];
    for (int t = 0; t < n; t++) {
      int data = offset(mem.getLong(threads + 8 * t));
      int len = vectorLength(data);
      if (len < 0 || (long) data + 8L * len > mem.capacity()) {
        throw new IndexOutOfBoundsException(e.name() + ": counter vector runs past the segment");
      }
      out[t] = new long[len];
      for (int i = 0; i < len; i++) {
        out[t][i] = mem.getLong(data + 8 * i);
      }
    }
    return out;
  }

  /** Packets and bytes of one element of a combined counter vector. */
  public record Combined(long packets, long bytes) {}

  /**
   * A combined counter vector ({packets, bytes} per element) summed over threads. Call inside
   * {@link #consistent}.
   */
  public Combined[] combinedCounterTotals(Entry e) {
    if (e.type() != COUNTER_VECTOR_COMBINED) {
      throw new IllegalArgumentException(e.name() + " is not a combined counter vector");
    }
    int threads = offset(e.value());
    int n = vectorLength(threads);
    long[] packets = new long[0];
    long[] bytes = new long[0];
    for (int t = 0; t < n; t++) {
      int data = offset(mem.getLong(threads + 8 * t));
      int len = vectorLength(data);
      if (len < 0 || (long) data + 16L * len > mem.capacity()) {
        throw new IndexOutOfBoundsException(e.name() + ": counter vector runs past the segment");
      }
      if (len > packets.length) {
        packets = java.util.Arrays.copyOf(packets, len);
        bytes = java.util.Arrays.copyOf(bytes, len);
      }
      for (int i = 0; i < len; i++) {
        packets[i] += mem.getLong(data + 16 * i);
        bytes[i] += mem.getLong(data + 16 * i + 8);
      }
    }
    Combined[] out = new Combined[packets.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = new Combined(packets[i], bytes[i]);
    }
    return out;
  }

  /** A simple counter vector summed over threads. Call inside {@link #consistent}. */
  public long[] simpleCounterTotals(Entry e) {
    long[][] perThread = simpleCounters(e);
    int len = 0;
    for (long[] t : perThread) {
      len = Math.max(len, t.length);
    }
    long[] sum = new long[len];
    for (long[] t : perThread) {
      for (int i = 0; i < t.length; i++) {
        sum[i] += t[i];
      }
    }
    return sum;
  }

  /** The value a scalar, gauge or symlink stands for (a symlink: summed over threads). */
  public long value(Entry e) {
    return switch (e.type()) {
      // VPP updates scalars in place, without an epoch change: read the entry again.
      case SCALAR_INDEX, GAUGE -> {
        directory();
        yield mem.getLong(cachedDirectoryOffset + e.index() * ENTRY_SIZE + 8);
      }
      case SYMLINK -> {
        Entry target = directory().get(e.symlinkTarget());
        long[] totals = simpleCounterTotals(target);
        yield e.symlinkElement() < totals.length ? totals[e.symlinkElement()] : 0;
      }
      default -> throw new IllegalArgumentException(e.name() + " has no single value");
    };
  }

  /** The four lb counters, [counter][VIP index] summed over threads; empty before any VIP. */
  public long[][] lbVipCounters() {
    return consistent(
        s -> {
          long[][] out = new long[LB_VIP_COUNTERS.size()][];
          for (int i = 0; i < out.length; i++) {
            Entry e = s.entry(LB_VIP_COUNTERS.get(i));
            out[i] = e == null ? new long[0] : s.simpleCounterTotals(e);
          }
          return out;
        });
  }

  /** A scalar by name (e.g. /sys/boottime), read consistently; -1 when absent. */
  public long scalar(String name) {
    return consistent(
        s -> {
          Entry e = s.entry(name);
          return e == null ? -1L : s.value(e);
        });
  }

  @Override
  public void close() {
    // The mapping is released when the buffer is collected; nothing else is held.
  }
}
