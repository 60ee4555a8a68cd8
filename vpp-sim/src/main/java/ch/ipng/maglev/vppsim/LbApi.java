package ch.ipng.maglev.vppsim;

import ch.ipng.maglev.vpp.api.Message;
import ch.ipng.maglev.vpp.api.msg.Address;
import ch.ipng.maglev.vpp.api.msg.AddressUnion;
import ch.ipng.maglev.vpp.api.msg.LbAddDelAs;
import ch.ipng.maglev.vpp.api.msg.LbAddDelAsReply;
import ch.ipng.maglev.vpp.api.msg.LbAddDelAsV2;
import ch.ipng.maglev.vpp.api.msg.LbAddDelAsV2Reply;
import ch.ipng.maglev.vpp.api.msg.LbAddDelVip;
import ch.ipng.maglev.vpp.api.msg.LbAddDelVipReply;
import ch.ipng.maglev.vpp.api.msg.LbAddDelVipV2;
import ch.ipng.maglev.vpp.api.msg.LbAddDelVipV2Reply;
import ch.ipng.maglev.vpp.api.msg.LbAsDetails;
import ch.ipng.maglev.vpp.api.msg.LbAsDump;
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
import ch.ipng.maglev.vppsim.LbPlugin.As;
import ch.ipng.maglev.vppsim.LbPlugin.Vip;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The lb plugin's API handlers: messages in, {@link LbPlugin} calls, messages out.
 *
 * <p>VPP's handler quirks (lb 1.2.0) are reproduced here and only here:
 *
 * <ul>
 *   <li>the NAT service {@code type} of a VIP is the first byte of its 4-byte field (read without
 *       byte swapping, then truncated);
 *   <li>in {@code lb_vip_details}, {@code srv_type} is that stored byte written little-endian (a
 *       big-endian reader sees it shifted left by 24), {@code dscp} is the same byte, {@code
 *       target_port} is byte-swapped and {@code flow_table_length} is truncated to 16 bits;
 *   <li>{@code lb_vip_dump} ignores its filter;
 *   <li>{@code lb_as_dump}/{@code lb_as_v2_dump} compare the filter's raw 16 union bytes with the
 *       stored ip46 prefix (so an IPv4 filter never matches), protocol and port as sent;
 *   <li>{@code lb_flush_vip} always answers 0;
 *   <li>{@code lb_add_del_as} (v1) adds with weight 100.
 * </ul>
 */
final class LbApi {
  private final LbPlugin lb;

  LbApi(LbPlugin lb) {
    this.lb = lb;
  }

  /** The replies to one lb request, or null when the message is not an lb request. */
  @Nullable List<Message> handle(Message request) {
    return switch (request) {
      case LbConf m ->
          List.of(
              new LbConfReply(
                  lb.conf(
                      m.ip4SrcAddress(),
                      m.ip6SrcAddress(),
                      m.stickyBucketsPerCore(),
                      m.flowTimeout())));
      case LbConfGet m ->
          List.of(
              new LbConfGetReply(
                  0, lb.ip4Src.clone(), lb.ip6Src.clone(), lb.stickyBuckets, lb.flowTimeout));
      case LbAddDelVip m ->
          List.of(
              new LbAddDelVipReply(
                  vip(
                      m.pfx(),
                      m.protocol(),
                      m.port(),
                      m.encap(),
                      m.dscp(),
                      m.type(),
                      m.targetPort(),
                      m.newFlowsTableLength(),
                      false,
                      m.isDel())));
      case LbAddDelVipV2 m ->
          List.of(
              new LbAddDelVipV2Reply(
                  vip(
                      m.pfx(),
                      m.protocol(),
                      m.port(),
                      m.encap(),
                      m.dscp(),
                      m.type(),
                      m.targetPort(),
                      m.newFlowsTableLength(),
                      m.srcIpSticky(),
                      m.isDel())));
      case LbAddDelAs m ->
          List.of(
              new LbAddDelAsReply(
                  as(
                      m.pfx(),
                      m.protocol(),
                      m.port(),
                      m.asAddress(),
                      100,
                      m.isDel(),
                      m.isDel() && m.isFlush())));
      case LbAddDelAsV2 m ->
          List.of(
              new LbAddDelAsV2Reply(
                  as(
                      m.pfx(),
                      m.protocol(),
                      m.port(),
                      m.asAddress(),
                      m.weight(),
                      m.isDel(),
                      m.isFlush())));
      case LbAsSetWeight m ->
          List.of(
              new LbAsSetWeightReply(
                  lb.setWeight(
                      ip46(m.pfx().address()),
                      plen(m.pfx()),
                      m.protocol(),
                      m.port(),
                      ip46(m.asAddress()),
                      m.weight(),
                      m.isFlush())));
      case LbFlushVip m -> {
        lb.flushVip(ip46(m.pfx().address()), plen(m.pfx()), m.protocol(), m.port());
        yield List.of(new LbFlushVipReply(0));
      }
      case LbVipDump m -> vipDetails();
      case LbAsDump m -> asDetails(m.pfx(), m.protocol(), m.port(), false);
      case LbAsV2Dump m -> asDetails(m.pfx(), m.protocol(), m.port(), true);
      default -> null;
    };
  }

  private int vip(
      Prefix pfx,
      int protocol,
      int port,
      int encap,
      int dscp,
      int type,
      int targetPort,
      int tableLength,
      boolean sticky,
      boolean isDel) {
    byte[] prefix = ip46(pfx.address());
    if (isDel) {
      return lb.delVip(prefix, plen(pfx), protocol, port);
    }
    int encapArg =
        switch (encap) {
          case LbPlugin.L3DSR -> dscp;
          case LbPlugin.NAT4, LbPlugin.NAT6 -> (type >>> 24) & 0xff;
          default -> 0;
        };
    int[] index = new int[1];
    return lb.addVip(
        prefix, plen(pfx), protocol, port, encap, encapArg, targetPort, tableLength, sticky, index);
  }

  private int as(
      Prefix pfx,
      int protocol,
      int port,
      Address address,
      int weight,
      boolean isDel,
      boolean flush) {
    byte[] prefix = ip46(pfx.address());
    return isDel
        ? lb.delAs(prefix, plen(pfx), protocol, port, ip46(address), flush)
        : lb.addAs(prefix, plen(pfx), protocol, port, ip46(address), weight, flush);
  }

  private List<Message> vipDetails() {
    List<Message> out = new ArrayList<>();
    for (Vip v : lb.vips) {
      if (v == null || !v.active) {
        continue;
      }
      int encapByte = v.encapArg & 0xff;
      out.add(
          new LbVipDetails(
              lbVip(v),
              v.type.encap,
              encapByte,
              Integer.reverseBytes(encapByte),
              Short.reverseBytes((short) v.targetPort) & 0xffff,
              v.tableLength & 0xffff));
    }
    return out;
  }

  private List<Message> asDetails(Prefix filter, int protocol, int port, boolean v2) {
    byte[] raw = filter.address().un().bytes();
    boolean all = Arrays.equals(raw, new byte[16]);
    List<Message> out = new ArrayList<>();
    for (Vip v : lb.vips) {
      if (v == null) {
        continue;
      }
      if (!all && !(Arrays.equals(raw, v.prefix) && protocol == v.protocol && port == v.port)) {
        continue;
      }
      for (As as : v.servers(lb)) {
        int flags = as.active ? 1 : 0;
        int since = as.active ? 0 : (int) as.lastUsed;
        out.add(
            v2
                ? new LbAsV2Details(
                    lbVip(v), address(as.address), flags, since, as.weight, lb.buckets(v, as))
                : new LbAsDetails(lbVip(v), address(as.address), flags, since));
      }
    }
    return out;
  }

  private static LbVip lbVip(Vip v) {
    boolean ip4 = LbPlugin.isIp4(v.prefix);
    return new LbVip(new Prefix(address(v.prefix), ip4 ? v.plen - 96 : v.plen), v.protocol, v.port);
  }

  /** The API's address: family and a 16-byte union with IPv4 in its first 4 bytes. */
  static Address address(byte[] ip46) {
    if (LbPlugin.isIp4(ip46)) {
      return new Address(0, new AddressUnion(Arrays.copyOfRange(ip46, 12, 16)));
    }
    return new Address(1, new AddressUnion(ip46));
  }

  /** VPP's ip46 form of an API address. */
  static byte[] ip46(Address a) {
    byte[] u = a.un().bytes();
    if (a.af() == 0) {
      byte[] out = new byte[16];
      System.arraycopy(u, 0, out, 12, 4);
      return out;
    }
    return u.clone();
  }

  /** VPP's internal prefix length: IPv4 lengths are offset by 96, without a range check. */
  static int plen(Prefix p) {
    return p.address().af() == 0 ? p.len() + 96 : p.len();
  }
}
