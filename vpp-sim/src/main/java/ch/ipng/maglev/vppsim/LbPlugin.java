package ch.ipng.maglev.vppsim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The lb plugin's state and rules, as VPP 26.10-rc0 (lb API 1.2.0) applies them: VIP and AS pools
 * with slot reuse, lazy AS deletion with garbage collection, weights, Maglev tables and VPP's
 * return codes. Not thread-safe: like VPP's main thread, callers run one request at a time.
 *
 * <p>Addresses are VPP's 16-byte "ip46" form (IPv4 as 12 zero bytes and the address). Prefix
 * lengths are internal ones (IPv4 + 96).
 *
 * <p>The VIP lookup and checks are in {@link ActiveVips}, the lazy Maglev tables in {@link
 * VipTable}, garbage collection in {@link GarbageCollector}.
 */
final class LbPlugin {
  static final int OK = 0;
  static final int NO_SUCH_ENTRY = -6;
  static final int INVALID_MEMORY_SIZE = -70;
  static final int INVALID_ARGUMENT = -73;
  static final int VALUE_EXIST = -81;
  static final int INVALID_ADDRESS_FAMILY = -97;

  /** AS records stay at least this long after removal (LB_CONCURRENCY_TIMEOUT). */
  static final long GC_GRACE_SECONDS = 10;

  /** A VIP's garbage collection runs at most this often (LB_GARBAGE_RUN). */
  static final long GC_INTERVAL_SECONDS = 60;

  /** Encap types as on the wire (lb_encap_type). */
  static final int GRE4 = 0;

  static final int GRE6 = 1;
  static final int L3DSR = 2;
  static final int NAT4 = 3;
  static final int NAT6 = 4;

  /** VIP types: (VIP family, encap) as the CLI names them. */
  enum VipType {
    IP6_GRE6("ip6-gre6", GRE6),
    IP6_GRE4("ip6-gre4", GRE4),
    IP4_GRE6("ip4-gre6", GRE6),
    IP4_GRE4("ip4-gre4", GRE4),
    IP4_L3DSR("ip4-l3dsr", L3DSR),
    IP4_NAT4("ip4-nat4", NAT4),
    IP6_NAT6("ip6-nat6", NAT6);

    final String cliName;
    final int encap;

    VipType(String cliName, int encap) {
      this.cliName = cliName;
      this.encap = encap;
    }

    /** AS addresses must be IPv4 for these encaps, IPv6 for the others. */
    boolean ip4Servers() {
      return encap == GRE4 || encap == L3DSR || encap == NAT4;
    }

    /**
     * VPP's mapping. An IPv6 VIP with an encap that has no IPv6 type silently becomes ip6-gre6; an
     * IPv4 VIP with NAT6 (or an unknown encap) also falls back to ip6-gre6, which the family check
     * then rejects with -97.
     */
    static VipType of(boolean ip4Vip, int encap) {
      if (ip4Vip) {
        return switch (encap) {
          case GRE4 -> IP4_GRE4;
          case GRE6 -> IP4_GRE6;
          case L3DSR -> IP4_L3DSR;
          case NAT4 -> IP4_NAT4;
          default -> IP6_GRE6;
        };
      }
      return switch (encap) {
        case GRE4 -> IP6_GRE4;
        case NAT6 -> IP6_NAT6;
        default -> IP6_GRE6;
      };
    }

    boolean ip4Vip() {
      return name().startsWith("IP4");
    }
  }

  /** One VIP pool slot. */
  static final class Vip {
    final int index;
    final byte[] prefix;
    final int plen;
    final int protocol;
    final int port;
    final VipType type;
    final int encapArg;
    final int targetPort;
    final int tableLength;
    final boolean srcIpSticky;
    boolean active = true;
    long lastGc;

    /** The VIP's AS-index pool: AS pool indexes. */
    final Pool<Integer> servers = new Pool<>();

    final VipTable table;
    final long[] counters = new long[4];

    /** lb_flush_vip calls: every forwarded connection of this VIP re-hashes. */
    int flushes;

    Vip(
        int index,
        byte[] prefix,
        int plen,
        int protocol,
        int port,
        VipType type,
        int encapArg,
        int targetPort,
        int tableLength,
        boolean srcIpSticky) {
      this.index = index;
      this.prefix = prefix;
      this.plen = plen;
      this.protocol = protocol;
      this.port = port;
      this.type = type;
      this.encapArg = encapArg;
      this.targetPort = targetPort;
      this.tableLength = tableLength;
      this.srcIpSticky = srcIpSticky;
      this.table = new VipTable(tableLength);
    }

    boolean allPort() {
      return port == 0;
    }

    /** AS records of this VIP in AS-index pool order, removed ones included. */
    List<As> servers(LbPlugin lb) {
      List<As> out = new ArrayList<>();
      for (Integer i : servers.slots) {
        if (i != null) {
          out.add(lb.ass.get(i));
        }
      }
      return out;
    }
  }

  /** One AS pool slot. */
  static final class As {
    final int index;
    final int vipIndex;
    final byte[] address;
    final int dpo;
    int weight;
    boolean active = true;
    long lastUsed;

    /** Flushes of this AS's sticky entries: its forwarded connections re-hash. */
    int flushes;

    /**
     * Forwarded connections that use this AS (its sticky entries); they keep it from collection.
     */
    int flows;

    As(int index, int vipIndex, byte[] address, int weight, int dpo) {
      this.index = index;
      this.vipIndex = vipIndex;
      this.address = address;
      this.weight = weight;
      this.dpo = dpo;
    }
  }

  byte[] ip4Src = {-1, -1, -1, -1};
  byte[] ip6Src = filled(16, (byte) -1);
  int stickyBuckets = 1024;
  int flowTimeout = 40;

  private final Pool<Vip> vipPool = new Pool<>();
  private final Pool<As> asPool = new Pool<>();

  /** The VIP pool's slots, null for free ones; slot 0 is VPP's hidden placeholder. */
  final List<@Nullable Vip> vips = vipPool.slots;

  /** The AS pool's slots, likewise. */
  final List<@Nullable As> ass = asPool.slots;

  private final ActiveVips active = new ActiveVips();
  private final GarbageCollector gc;
  private final LongSupplier uptimeSeconds;
  private int nextDpo = 12;

  LbPlugin(LongSupplier uptimeSeconds) {
    this.uptimeSeconds = uptimeSeconds;
    this.gc = new GarbageCollector(vipPool, asPool, uptimeSeconds);
    // the placeholders in slot 0
    vipPool.put(vipPool.claim(), null);
    asPool.put(asPool.claim(), null);
  }

  private static byte[] filled(int n, byte b) {
    byte[] a = new byte[n];
    Arrays.fill(a, b);
    return a;
  }

  static boolean isIp4(byte[] ip46) {
    for (int i = 0; i < 12; i++) {
      if (ip46[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** The prefix with host bits cleared. */
  static byte[] mask(byte[] ip46, int plen) {
    byte[] out = ip46.clone();
    for (int bit = Math.max(plen, 0); bit < 128; bit++) {
      out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return out;
  }

  /** lb_conf: a bucket count that is not a power of two is refused; all ones keeps a value. */
  int conf(byte[] ip4, byte[] ip6, int buckets, int timeout) {
    if (buckets != -1 && (buckets & (buckets - 1)) != 0) {
      return INVALID_MEMORY_SIZE;
    }
    ip4Src = ip4.clone();
    ip6Src = ip6.clone();
    if (buckets != -1) {
      stickyBuckets = buckets;
    }
    if (timeout != -1) {
      flowTimeout = timeout;
    }
    return OK;
  }

  @Nullable Vip findVip(byte[] prefix, int plen, int protocol, int port) {
    return active.find(prefix, plen, protocol, port);
  }

  /**
   * Adds a VIP. Checks run in VPP's order; the first failure wins.
   *
   * @return the retval, and on success the new VIP's index in {@code index[0]}
   */
  int addVip(
      byte[] prefix,
      int plen,
      int protocol,
      int port,
      int encap,
      int encapArg,
      int targetPort,
      int tableLength,
      boolean srcIpSticky,
      int[] index) {
    byte[] key = mask(prefix, plen);
    int proto = port == 0 ? 255 : protocol;
    VipType type = VipType.of(isIp4(key), encap);
    int rv = active.check(key, plen, proto, port, type, tableLength);
    if (rv != OK) {
      return rv;
    }
    int slot = vipPool.claim();
    Vip vip =
        new Vip(
            slot,
            key,
            plen,
            proto,
            port,
            type,
            type == VipType.IP4_L3DSR ? encapArg & 0x3f : encapArg,
            targetPort,
            tableLength,
            srcIpSticky);
    vipPool.put(slot, vip);
    active.add(vip);
    index[0] = slot;
    return OK;
  }

  /** Deletes a VIP: its ASes are marked removed (no flush) and it lingers until collected. */
  int delVip(byte[] prefix, int plen, int protocol, int port) {
    Vip vip = findVip(prefix, plen, protocol, port);
    if (vip == null) {
      return NO_SUCH_ENTRY;
    }
    long now = uptimeSeconds.getAsLong();
    for (As as : vip.servers(this)) {
      if (as.active) {
        as.active = false;
        as.lastUsed = now;
      }
    }
    vip.active = false;
    active.remove(vip);
    vip.table.markStale();
    return OK;
  }

  private @Nullable As findAs(Vip vip, byte[] address) {
    for (As as : vip.servers(this)) {
      if (Arrays.equals(as.address, address)) {
        return as;
      }
    }
    return null;
  }

  /**
   * Adds an AS, or re-activates a removed one that was not yet collected (same slot); with {@code
   * flush} the sticky entries still pointing at a re-activated record are evicted.
   */
  int addAs(
      byte[] prefix, int plen, int protocol, int port, byte[] address, int weight, boolean flush) {
    Vip vip = findVip(prefix, plen, protocol, port);
    if (vip == null) {
      return NO_SUCH_ENTRY;
    }
    gc.collect(vip);
    As existing = findAs(vip, address);
    if (existing != null) {
      if (existing.active) {
        return VALUE_EXIST;
      }
      // VPP skips the family check on this path.
      existing.active = true;
      existing.weight = weight;
      if (flush) {
        existing.flushes++;
      }
      vip.table.markStale();
      return OK;
    }
    if (vip.type.ip4Servers() != isIp4(address)) {
      return INVALID_ADDRESS_FAMILY;
    }
    int slot = asPool.claim();
    asPool.put(slot, new As(slot, vip.index, address.clone(), weight, nextDpo++));
    vip.servers.put(vip.servers.claim(), slot);
    vip.table.markStale();
    return OK;
  }

  /**
   * Marks an AS removed; deleting an already removed one succeeds again. With {@code flush} its
   * sticky entries are evicted.
   */
  int delAs(byte[] prefix, int plen, int protocol, int port, byte[] address, boolean flush) {
    Vip vip = findVip(prefix, plen, protocol, port);
    if (vip == null) {
      return NO_SUCH_ENTRY;
    }
    As as = findAs(vip, address);
    if (as == null) {
      return NO_SUCH_ENTRY;
    }
    if (as.active) {
      as.active = false;
      as.lastUsed = uptimeSeconds.getAsLong();
    }
    if (flush) {
      as.flushes++;
    }
    vip.table.markStale();
    gc.collect(vip);
    return OK;
  }

  /** Sets an active AS's weight; with {@code flush} its sticky entries are evicted. */
  int setWeight(
      byte[] prefix, int plen, int protocol, int port, byte[] address, int weight, boolean flush) {
    Vip vip = findVip(prefix, plen, protocol, port);
    if (vip == null) {
      return NO_SUCH_ENTRY;
    }
    As as = findAs(vip, address);
    if (as == null || !as.active) {
      return NO_SUCH_ENTRY;
    }
    as.weight = weight;
    if (flush) {
      as.flushes++;
    }
    vip.table.markStale();
    return OK;
  }

  /** lb_flush_vip: evicts every sticky entry of the VIP (VPP answers 0 whatever happens). */
  void flushVip(byte[] prefix, int plen, int protocol, int port) {
    Vip vip = findVip(prefix, plen, protocol, port);
    if (vip != null) {
      vip.flushes++;
    }
  }

  /** The VIP's new-flow table: bucket → AS index, 0 for none. */
  int[] table(Vip vip) {
    return vip.table.buckets(vip.servers(this), vip.active);
  }

  /** Buckets of the VIP's table pointing at this AS. */
  int buckets(Vip vip, As as) {
    int n = 0;
    for (int b : vip.table.buckets(vip.servers(this), vip.active)) {
      if (b == as.index) {
        n++;
      }
    }
    return n;
  }

  /** Garbage collection of every VIP, as VPP's periodic process runs it. */
  void collectAll() {
    gc.collectAll();
  }

  /** Number of VIP slots in use, the placeholder included (as {@code show lb} counts). */
  int vipSlots() {
    return 1 + (int) vips.stream().filter(v -> v != null).count();
  }

  /** Number of AS records, the placeholder excluded. */
  int asRecords() {
    return (int) ass.stream().filter(a -> a != null).count();
  }
}
