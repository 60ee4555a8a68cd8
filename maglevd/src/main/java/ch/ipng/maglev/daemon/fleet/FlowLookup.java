package ch.ipng.maglev.daemon.fleet;

import static java.util.Objects.requireNonNull;

import ch.ipng.maglev.daemon.dataplane.LbView;
import ch.ipng.maglev.vpp.maglev.FlowHash;
import ch.ipng.maglev.vpp.maglev.MaglevTable;
import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which VIP, bucket and application server a new flow gets, computed as VPP's lb plugin does: the
 * flow hash ({@link FlowHash}) of the 5-tuple, addresses only for a src-ip-sticky VIP, indexes the
 * VIP's new-flow table ({@link MaglevTable}) built from the ASes VPP holds. That holds for the
 * first packet of a flow: one VPP has seen keeps the AS its sticky table gave it until it times out
 * or the AS is flushed. Pure: no I/O.
 */
public final class FlowLookup {
  /** What every answer says about flows that already exist. */
  public static final String NOTE =
      "for a new flow; an existing flow keeps the AS VPP's sticky table gave it until it times out"
          + " (flow-timeout) or the AS is flushed";

  private FlowLookup() {}

  /**
   * A validated 5-tuple.
   *
   * @param protocol {@link FlowHash#TCP} or {@link FlowHash#UDP}
   */
  public record Tuple(InetAddress src, int srcPort, InetAddress dst, int dstPort, int protocol) {
    public Tuple {
      requireNonNull(src, "src");
      requireNonNull(dst, "dst");
    }
  }

  /**
   * Where the flow goes.
   *
   * @param as the bucket's AS, empty when the VIP has no AS with weight (VPP drops the flow)
   * @param backend the backend named by the view for that AS, "" for none
   */
  public record Result(
      LbView.Vip vip, int hash, int bucket, Optional<InetAddress> as, String backend) {}

  /**
   * Parses and checks a request's fields.
   *
   * @param protocol "tcp" (also when empty) or "udp", any case
   * @throws IllegalArgumentException naming the field, the value and what was expected
   */
  public static Tuple parse(String src, long srcPort, String dst, long dstPort, String protocol) {
    InetAddress s = address("src", src);
    InetAddress d = address("dst", dst);
    if (s instanceof Inet4Address != d instanceof Inet4Address) {
      throw new IllegalArgumentException(
          "src %s, dst %s (expected: both IPv4 or both IPv6)".formatted(src, dst));
    }
    port("src port", srcPort);
    port("dst port", dstPort);
    int proto =
        switch (protocol.toLowerCase(Locale.ROOT)) {
          case "", "tcp" -> FlowHash.TCP;
          case "udp" -> FlowHash.UDP;
          default ->
              throw new IllegalArgumentException(
                  "protocol: %s (expected: tcp or udp)".formatted(protocol));
        };
    return new Tuple(s, (int) srcPort, d, (int) dstPort, proto);
  }

  /**
   * The VIP of {@code view} that takes the flow: its prefix holds the destination, and its protocol
   * and port match (a VIP of protocol "any" or port 0 takes every protocol or port); the most
   * specific (a port over all ports, then the longest prefix) when several do.
   */
  public static Optional<LbView.Vip> vipOf(LbView view, Tuple t) {
    LbView.Vip best = null;
    for (LbView.Vip v : view.vips()) {
      if (!takes(v, t)) {
        continue;
      }
      if (best == null || rank(v) > rank(best)) {
        best = v;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The lookup, or empty when no VIP takes the flow. */
  public static Optional<Result> lookup(LbView view, Tuple t) {
    return vipOf(view, t).map(v -> lookup(v, t));
  }

  /** The lookup in one VIP. */
  public static Result lookup(LbView.Vip v, Tuple t) {
    int hash =
        FlowHash.hash(t.src(), t.srcPort(), t.dst(), t.dstPort(), t.protocol(), v.srcIpSticky());
    int bucket = FlowHash.bucket(hash, v.flowTableLength());
    List<MaglevTable.Server> servers = new ArrayList<>();
    for (int i = 0; i < v.ases().size(); i++) {
      LbView.As a = v.ases().get(i);
      servers.add(new MaglevTable.Server(i + 1, a.address(), a.weight(), a.active()));
    }
    int index = MaglevTable.compute(v.flowTableLength(), servers)[bucket];
    if (index == 0) {
      return new Result(v, hash, bucket, Optional.empty(), "");
    }
    LbView.As as = v.ases().get(index - 1);
    return new Result(v, hash, bucket, Optional.of(as.address()), as.backend());
  }

  private static boolean takes(LbView.Vip v, Tuple t) {
    InetAddress prefix = v.id().prefix();
    if (prefix instanceof Inet4Address != t.dst() instanceof Inet4Address) {
      return false;
    }
    if (!inPrefix(prefix.getAddress(), v.id().length(), t.dst().getAddress())) {
      return false;
    }
    int p = v.id().protocol();
    if (p != 255 && p != t.protocol()) {
      return false;
    }
    return v.id().port() == 0 || v.id().port() == t.dstPort();
  }

  private static int rank(LbView.Vip v) {
    return (v.id().port() != 0 ? 1 << 16 : 0)
        + (v.id().protocol() != 255 ? 1 << 8 : 0)
        + v.id().length();
  }

  static boolean inPrefix(byte[] prefix, int length, byte[] address) {
    for (int bit = 0; bit < length; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((prefix[bit / 8] & mask) != (address[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static InetAddress address(String field, @Nullable String text) {
    if (text == null || !InetAddresses.isInetAddress(text)) {
      throw new IllegalArgumentException(
          "%s: \"%s\" (expected: an IPv4 or IPv6 address)".formatted(field, text));
    }
    return InetAddresses.forString(text);
  }

  private static void port(String field, long port) {
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException("%s: %d (expected: 0-65535)".formatted(field, port));
    }
  }
}
