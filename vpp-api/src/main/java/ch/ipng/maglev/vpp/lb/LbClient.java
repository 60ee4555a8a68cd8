package ch.ipng.maglev.vpp.lb;

import ch.ipng.maglev.vpp.api.MessageType;
import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.api.msg.Address;
import ch.ipng.maglev.vpp.api.msg.AddressUnion;
import ch.ipng.maglev.vpp.api.msg.CliInband;
import ch.ipng.maglev.vpp.api.msg.CliInbandReply;
import ch.ipng.maglev.vpp.api.msg.LbAddDelAsV2;
import ch.ipng.maglev.vpp.api.msg.LbAddDelAsV2Reply;
import ch.ipng.maglev.vpp.api.msg.LbAddDelVipV2;
import ch.ipng.maglev.vpp.api.msg.LbAddDelVipV2Reply;
import ch.ipng.maglev.vpp.api.msg.LbAsSetWeight;
import ch.ipng.maglev.vpp.api.msg.LbAsSetWeightReply;
import ch.ipng.maglev.vpp.api.msg.LbAsV2Details;
import ch.ipng.maglev.vpp.api.msg.LbAsV2Dump;
import ch.ipng.maglev.vpp.api.msg.LbConf;
import ch.ipng.maglev.vpp.api.msg.LbConfGet;
import ch.ipng.maglev.vpp.api.msg.LbConfGetReply;
import ch.ipng.maglev.vpp.api.msg.LbConfReply;
import ch.ipng.maglev.vpp.api.msg.LbFlushVip;
import ch.ipng.maglev.vpp.api.msg.LbFlushVipReply;
import ch.ipng.maglev.vpp.api.msg.LbVip;
import ch.ipng.maglev.vpp.api.msg.LbVipDetails;
import ch.ipng.maglev.vpp.api.msg.LbVipDump;
import ch.ipng.maglev.vpp.api.msg.Prefix;
import ch.ipng.maglev.vpp.api.msg.ShowVersion;
import ch.ipng.maglev.vpp.api.msg.ShowVersionReply;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The lb plugin's operations over one {@link VppConnection}. Every method returns at once with a
 * future, so callers can pipeline; a non-zero retval fails the future with a VppErrorException that
 * names the operation and its arguments.
 */
public final class LbClient {
  /** The messages this client sends or receives: check them when connecting. */
  public static final List<MessageType<?>> REQUIRED =
      List.of(
          LbConf.TYPE,
          LbConfReply.TYPE,
          LbConfGet.TYPE,
          LbConfGetReply.TYPE,
          LbAddDelVipV2.TYPE,
          LbAddDelVipV2Reply.TYPE,
          LbAddDelAsV2.TYPE,
          LbAddDelAsV2Reply.TYPE,
          LbAsSetWeight.TYPE,
          LbAsSetWeightReply.TYPE,
          LbFlushVip.TYPE,
          LbFlushVipReply.TYPE,
          LbVipDump.TYPE,
          LbVipDetails.TYPE,
          LbAsV2Dump.TYPE,
          LbAsV2Details.TYPE,
          CliInband.TYPE,
          CliInbandReply.TYPE,
          ShowVersion.TYPE,
          ShowVersionReply.TYPE);

  /** lb_encap_type values. */
  public enum Encap {
    GRE4,
    GRE6,
    L3DSR,
    NAT4,
    NAT6
  }

  /**
   * A VIP as the lb plugin keys it. {@code port} 0 is an all-port VIP, whose protocol VPP stores as
   * 255 whatever is sent.
   */
  public record VipKey(InetAddress prefix, int length, int protocol, int port) {
    public VipKey {
      Objects.requireNonNull(prefix, "prefix");
      int max = prefix instanceof Inet4Address ? 32 : 128;
      if (length < 0 || length > max) {
        throw new IllegalArgumentException("length: " + length + " (expected 0.." + max + ")");
      }
      if (port < 0 || port > 65535 || protocol < 0 || protocol > 255) {
        throw new IllegalArgumentException("protocol/port out of range: " + protocol + "/" + port);
      }
      if (port == 0) {
        protocol = 255;
      }
    }

    @Override
    public String toString() {
      String proto =
          switch (protocol) {
            case 6 -> "tcp";
            case 17 -> "udp";
            default -> Integer.toString(protocol);
          };
      return prefix.getHostAddress()
          + "/"
          + length
          + (port == 0 ? " all-port" : " " + proto + "/" + port);
    }
  }

  /** A VIP as lb_vip_dump reports it. */
  public record Vip(VipKey key, Encap encap, int tableLength) {}

  /** An application server as lb_as_v2_dump reports it; removed ones have active false. */
  public record As(VipKey vip, InetAddress address, int weight, boolean active, int buckets) {}

  /** lb_conf values: GRE source addresses, sticky buckets per worker, flow timeout (s). */
  public record Conf(
      Inet4Address ip4Source, InetAddress ip6Source, int stickyBucketsPerCore, int flowTimeout) {}

  private final VppConnection vpp;

  public LbClient(VppConnection vpp) {
    this.vpp = vpp;
  }

  public VppConnection connection() {
    return vpp;
  }

  public CompletableFuture<String> showVersion() {
    return vpp.call(new ShowVersion(), ShowVersionReply.TYPE, "show_version")
        .thenApply(ShowVersionReply::version);
  }

  public CompletableFuture<Void> conf(Conf c) {
    return vpp.call(
            new LbConf(
                c.ip4Source().getAddress(),
                ip6Bytes(c.ip6Source()),
                c.stickyBucketsPerCore(),
                c.flowTimeout()),
            LbConfReply.TYPE,
            "lb_conf " + c)
        .thenApply(r -> null);
  }

  public CompletableFuture<Conf> confGet() {
    return vpp.call(new LbConfGet(), LbConfGetReply.TYPE, "lb_conf_get")
        .thenApply(
            r ->
                new Conf(
                    (Inet4Address) inet(r.ip4SrcAddress()),
                    inet(r.ip6SrcAddress()),
                    r.stickyBucketsPerCore(),
                    r.flowTimeout()));
  }

  public CompletableFuture<Void> addVip(
      VipKey vip, Encap encap, int tableLength, boolean srcIpSticky) {
    return vpp.call(
            new LbAddDelVipV2(
                prefix(vip),
                vip.protocol(),
                vip.port(),
                encap.ordinal(),
                0,
                0,
                0,
                0,
                tableLength,
                srcIpSticky,
                false),
            LbAddDelVipV2Reply.TYPE,
            "lb_add_del_vip_v2 add "
                + vip
                + " "
                + encap
                + " buckets "
                + tableLength
                + (srcIpSticky ? " src-ip-sticky" : ""))
        .thenApply(r -> null);
  }

  public CompletableFuture<Void> delVip(VipKey vip) {
    return vpp.call(
            new LbAddDelVipV2(
                prefix(vip), vip.protocol(), vip.port(), 0, 0, 0, 0, 0, 1024, false, true),
            LbAddDelVipV2Reply.TYPE,
            "lb_add_del_vip_v2 del " + vip)
        .thenApply(r -> null);
  }

  public CompletableFuture<Void> addAs(VipKey vip, InetAddress as, int weight, boolean flush) {
    checkWeight(weight);
    return vpp.call(
            new LbAddDelAsV2(
                prefix(vip), vip.protocol(), vip.port(), address(as), weight, false, flush),
            LbAddDelAsV2Reply.TYPE,
            "lb_add_del_as_v2 add " + as.getHostAddress() + " weight " + weight + " to " + vip)
        .thenApply(r -> null);
  }

  public CompletableFuture<Void> delAs(VipKey vip, InetAddress as, boolean flush) {
    return vpp.call(
            new LbAddDelAsV2(prefix(vip), vip.protocol(), vip.port(), address(as), 0, true, flush),
            LbAddDelAsV2Reply.TYPE,
            "lb_add_del_as_v2 del "
                + as.getHostAddress()
                + " from "
                + vip
                + (flush ? " with flush" : ""))
        .thenApply(r -> null);
  }

  public CompletableFuture<Void> setWeight(VipKey vip, InetAddress as, int weight, boolean flush) {
    checkWeight(weight);
    return vpp.call(
            new LbAsSetWeight(prefix(vip), vip.protocol(), vip.port(), address(as), weight, flush),
            LbAsSetWeightReply.TYPE,
            "lb_as_set_weight "
                + as.getHostAddress()
                + " weight "
                + weight
                + " on "
                + vip
                + (flush ? " with flush" : ""))
        .thenApply(r -> null);
  }

  public CompletableFuture<Void> flushVip(VipKey vip) {
    return vpp.call(
            new LbFlushVip(prefix(vip), vip.protocol(), vip.port()),
            LbFlushVipReply.TYPE,
            "lb_flush_vip " + vip)
        .thenApply(r -> null);
  }

  /** Every active VIP (VPP ignores lb_vip_dump's filter). */
  public CompletableFuture<List<Vip>> vips() {
    return vpp.dump(
            new LbVipDump(
                prefix(new VipKey(inet(new byte[4]), 0, 255, 0)),
                new ch.ipng.maglev.vpp.api.msg.PrefixMatcher(0, 0),
                255,
                0),
            LbVipDetails.TYPE,
            "lb_vip_dump")
        .thenApply(
            ds ->
                ds.stream()
                    .map(d -> new Vip(key(d.vip()), encap(d.encap()), d.flowTableLength()))
                    .toList());
  }

  /** Every AS record of every VIP, removed ones (awaiting garbage collection) included. */
  public CompletableFuture<List<As>> ass() {
    return vpp.dump(
            new LbAsV2Dump(prefix(new VipKey(inet(new byte[4]), 0, 255, 0)), 255, 0),
            LbAsV2Details.TYPE,
            "lb_as_v2_dump")
        .thenApply(
            ds ->
                ds.stream()
                    .map(
                        d ->
                            new As(
                                key(d.vip()),
                                inet(address(d.appSrv())),
                                d.weight(),
                                (d.flags() & 1) != 0,
                                d.numBuckets()))
                    .toList());
  }

  /**
   * The AS records of one VIP. VPP's own filter never matches IPv4 VIPs, so this dumps everything
   * and filters here.
   */
  public CompletableFuture<List<As>> ass(VipKey vip) {
    return ass().thenApply(all -> all.stream().filter(a -> a.vip().equals(vip)).toList());
  }

  /** Runs a VPP CLI command and returns its output. */
  public CompletableFuture<String> cli(String command) {
    return vpp.call(new CliInband(command), CliInbandReply.TYPE, "cli_inband " + command)
        .thenApply(CliInbandReply::reply);
  }

  private static void checkWeight(int weight) {
    if (weight < 0 || weight > 255) {
      throw new IllegalArgumentException("weight: " + weight + " (expected 0..255)");
    }
  }

  private static Prefix prefix(VipKey vip) {
    return new Prefix(address(vip.prefix()), vip.length());
  }

  static Address address(InetAddress a) {
    return new Address(a instanceof Inet4Address ? 0 : 1, new AddressUnion(a.getAddress()));
  }

  private static byte[] address(Address a) {
    return a.af() == 0 ? Arrays.copyOf(a.un().bytes(), 4) : a.un().bytes();
  }

  private static byte[] ip6Bytes(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length != 16) {
      throw new IllegalArgumentException("not an IPv6 address: " + a.getHostAddress());
    }
    return b;
  }

  private static VipKey key(LbVip v) {
    return new VipKey(inet(address(v.pfx().address())), v.pfx().len(), v.protocol(), v.port());
  }

  private static Encap encap(int value) {
    Encap[] all = Encap.values();
    if (value < 0 || value >= all.length) {
      throw new ch.ipng.maglev.vpp.api.VppException(
          "lb_vip_details: unknown encap " + value + " (expected 0..4)");
    }
    return all[value];
  }

  static InetAddress inet(byte[] raw) {
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("address of " + raw.length + " bytes", e);
    }
  }
}
