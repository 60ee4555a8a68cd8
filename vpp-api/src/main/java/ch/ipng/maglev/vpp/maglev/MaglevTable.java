package ch.ipng.maglev.vpp.maglev;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The new-flow (Maglev) table VPP's lb plugin 1.2.0 builds for a VIP: every active application
 * server of weight w takes w replicas; replicas are ordered by replica number, then by address;
 * each walks its own permutation of the buckets (offset and skip from an xxHash64 of its address
 * and replica) and claims one free bucket per turn until all are taken. The result depends only on
 * the table length and the set of active servers with their weights, not on insertion order.
 */
public final class MaglevTable {
  private static final long P1 = 0x9E3779B185EBCA87L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final long P3 = 0x165667B19E3779F9L;
  private static final long P4 = 0x85EBCA77C2B2AE63L;
  private static final long P5 = 0x27D4EB2F165667C5L;
  private static final long SEED = 0x9E3779B97F4A7C13L;

  private MaglevTable() {}

  /**
   * An application server as the table sees it.
   *
   * @param index VPP's AS pool index, the value written into buckets (≥ 1)
   * @param weight 0–255; 0 keeps the server but gives it no buckets
   * @param active flags bit 0; inactive (removed, awaiting collection) servers take no buckets
   */
  public record Server(int index, InetAddress address, int weight, boolean active) {
    public Server {
      Objects.requireNonNull(address, "address");
      if (index < 1) {
        throw new IllegalArgumentException("index: " + index + " (expected: >= 1)");
      }
      if (weight < 0 || weight > 255) {
        throw new IllegalArgumentException("weight: " + weight + " (expected: 0-255)");
      }
    }
  }

  /**
   * Builds a table.
   *
   * @param length the table length, a power of two
   * @return bucket → server index; 0 (VPP's placeholder, "drop") everywhere when no active server
   *     has weight > 0
   */
  public static int[] compute(int length, Collection<Server> servers) {
    if (length < 1 || Integer.bitCount(length) != 1) {
      throw new IllegalArgumentException("length: " + length + " (expected: a power of two)");
    }
    int[] table = new int[length];
    List<Replica> replicas = new ArrayList<>();
    for (Server s : servers) {
      if (!s.active()) {
        continue;
      }
      byte[] ip46 = ip46(s.address());
      long a = littleEndian(ip46, 0) ^ littleEndian(ip46, 8);
      for (int r = 0; r < s.weight(); r++) {
        replicas.add(new Replica(s.index(), ip46, r, xxhash(a ^ r)));
      }
    }
    if (replicas.isEmpty()) {
      return table;
    }
    replicas.sort(
        Comparator.comparingInt(Replica::replica)
            .thenComparing(Replica::ip46, Arrays::compareUnsigned));
    int mask = length - 1;
    int n = replicas.size();
    int[] next = new int[n];
    int[] skip = new int[n];
    for (int i = 0; i < n; i++) {
      long seed = replicas.get(i).seed();
      skip[i] = (int) (((seed & 0xffffffffL) | 1) & mask);
      next[i] = (int) ((seed >>> 32) & mask);
    }
    // 0 is a real value (the placeholder) in VPP's table, so track filled buckets separately.
    boolean[] taken = new boolean[length];
    int filled = 0;
    while (true) {
      for (int i = 0; i < n; i++) {
        int b = next[i];
        while (taken[b]) {
          b = (b + skip[i]) & mask;
        }
        taken[b] = true;
        table[b] = replicas.get(i).index();
        next[i] = (b + skip[i]) & mask;
        if (++filled == length) {
          return table;
        }
      }
    }
  }

  /** How many buckets each server index holds; index 0 counts the placeholder. */
  public static int[] counts(int[] table, int maxIndex) {
    int[] c = new int[maxIndex + 1];
    for (int v : table) {
      c[v]++;
    }
    return c;
  }

  /** VPP's single-u64 xxHash64 ({@code clib_xxhash}). */
  public static long xxhash(long key) {
    long k = Long.rotateLeft(key * P2, 31) * P1;
    long h = (SEED + P5 + 8) ^ k;
    h = Long.rotateLeft(h, 27) * P1 + P4;
    h ^= h >>> 33;
    h *= P2;
    h ^= h >>> 29;
    h *= P3;
    h ^= h >>> 32;
    return h;
  }

  /** The 16-byte ip46 form: IPv4 as 12 zero bytes and the address. */
  static byte[] ip46(InetAddress a) {
    byte[] out = new byte[16];
    byte[] raw = a.getAddress();
    if (a instanceof Inet4Address) {
      System.arraycopy(raw, 0, out, 12, 4);
    } else {
      System.arraycopy(raw, 0, out, 0, 16);
    }
    return out;
  }

  static long littleEndian(byte[] b, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xffL);
    }
    return v;
  }

  private record Replica(int index, byte[] ip46, int replica, long seed) {}
}
