package ch.ipng.maglev.vppsim;

import ch.ipng.maglev.vpp.api.Message;
import ch.ipng.maglev.vpp.api.msg.ApiVersions;
import ch.ipng.maglev.vpp.api.msg.ApiVersionsReply;
import ch.ipng.maglev.vpp.api.msg.CliInband;
import ch.ipng.maglev.vpp.api.msg.CliInbandReply;
import ch.ipng.maglev.vpp.api.msg.ControlPing;
import ch.ipng.maglev.vpp.api.msg.ControlPingReply;
import ch.ipng.maglev.vpp.api.msg.GetFirstMsgId;
import ch.ipng.maglev.vpp.api.msg.GetFirstMsgIdReply;
import ch.ipng.maglev.vpp.api.msg.LbAddDelAs;
import ch.ipng.maglev.vpp.api.msg.LbAddDelAsV2;
import ch.ipng.maglev.vpp.api.msg.LbAddDelVip;
import ch.ipng.maglev.vpp.api.msg.LbAddDelVipV2;
import ch.ipng.maglev.vpp.api.msg.LbAsSetWeight;
import ch.ipng.maglev.vpp.api.msg.LbConf;
import ch.ipng.maglev.vpp.api.msg.LbFlushVip;
import ch.ipng.maglev.vpp.api.msg.ShowVersion;
import ch.ipng.maglev.vpp.api.msg.ShowVersionReply;
import ch.ipng.maglev.vpp.api.msg.SockclntCreate;
import ch.ipng.maglev.vpp.api.msg.SockclntCreateReply;
import ch.ipng.maglev.vpp.api.msg.SockclntDelete;
import ch.ipng.maglev.vpp.api.msg.SockclntDeleteReply;
import ch.ipng.maglev.vpp.maglev.FlowHash;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * A freshly started VPP with only the lb plugin, as far as its API shows: the message table, the
 * memclnt, vlib and vpe messages a client uses, and the lb plugin. One request at a time, like
 * VPP's main thread: every public method is synchronized.
 */
final class Simulator {
  static final String VERSION = "26.10-rc0~374-gb575ec2c56d";

  /**
   * get_first_msg_id names VPP answers, module name and CRC as the captured VPP registered them.
   */
  private static final Map<String, String> MODULE_IDS = Map.of("lb_487dee0a", "lb");

  private final long startNanos = System.nanoTime();
  private final String buildDate =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
          .withZone(ZoneOffset.UTC)
          .format(Instant.now());
  private final int pid = (int) ProcessHandle.current().pid();
  private long offsetSeconds;
  private int generation;
  private MessageTable table = new MessageTable(0);
  private LbPlugin lb = new LbPlugin(this::uptimeSeconds);
  private LbApi lbApi = new LbApi(lb);
  private Cli cli = new Cli(lb, VERSION);
  private boolean answering = true;
  private long writes;
  private final long bootTime = System.currentTimeMillis() / 1000;

  /**
   * Told of every lb change (API writes, CLI commands, restart), under the lock: must not block.
   */
  private Runnable onChange = () -> {};

  /** Whole seconds since the simulated start, plus any time the control channel skipped. */
  synchronized long uptimeSeconds() {
    return (System.nanoTime() - startNanos) / 1_000_000_000L + offsetSeconds;
  }

  synchronized MessageTable table() {
    return table;
  }

  synchronized LbPlugin lb() {
    return lb;
  }

  synchronized long bootTime() {
    return bootTime;
  }

  /** Loses all state and assigns new message ids, as a VPP restart does. */
  synchronized void restart() {
    generation++;
    table = new MessageTable(generation);
    lb = new LbPlugin(this::uptimeSeconds);
    lbApi = new LbApi(lb);
    cli = new Cli(lb, VERSION);
    answering = true;
    onChange.run();
  }

  /** The control channel's status line, read under the simulator's lock. */
  synchronized String status() {
    return "generation "
        + generation
        + " answering "
        + answering
        + " vips "
        + (lb.vipSlots() - 1)
        + " ass "
        + lb.asRecords()
        + " writes "
        + writes;
  }

  /** lb requests that change state (conf, VIP, AS, weight, flush) answered since start. */
  synchronized long writes() {
    return writes;
  }

  synchronized int generation() {
    return generation;
  }

  /** Stops answering requests (they are read and dropped), as a hung VPP would. */
  synchronized void setAnswering(boolean answering) {
    this.answering = answering;
  }

  synchronized boolean answering() {
    return answering;
  }

  /** Moves the simulated clock forward, for garbage collection. */
  synchronized void advance(long seconds) {
    offsetSeconds += seconds;
    lb.collectAll();
  }

  /** The periodic lb garbage collection process. */
  synchronized void collectGarbage() {
    lb.collectAll();
  }

  /** Adds to one of a VIP's four counters; false when the VIP slot is empty. */
  synchronized boolean bump(int vipIndex, int counter, long delta) {
    if (vipIndex <= 0 || vipIndex >= lb.vips.size() || lb.vips.get(vipIndex) == null) {
      return false;
    }
    lb.vips.get(vipIndex).counters[counter] += delta;
    return true;
  }

  /**
   * The new-flow table of the host-prefix VIP (address, protocol, port): bucket to AS index (0 for
   * none), or null when there is no such VIP. The AS index of an AS stays while it exists, so two
   * tables compare bucket by bucket.
   */
  synchronized int @Nullable [] table(String address, int protocol, int port) {
    LbPlugin.Vip vip = lb.findVip(Addresses.parse(address), 128, protocol, port);
    return vip == null ? null : lb.table(vip).clone();
  }

  synchronized void onChange(Runnable r) {
    onChange = r;
  }

  /** What the forwarder should listen on: the active VIPs the rules forward. */
  synchronized List<ForwardRules.Target> forwardTargets(ForwardRules rules) {
    List<ForwardRules.Target> out = new ArrayList<>();
    for (LbPlugin.Vip v : lb.vips) {
      if (v != null && v.active) {
        ForwardRules.Target t = rules.target(v);
        if (t != null) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /**
   * A new connection to {@code target}: VPP's flow hash over the client's address and port and the
   * VIP's, into the VIP's current new-flow table. Counts "first session packet", or "no server
   * configured" when the bucket holds no AS (then the flow's AS is null).
   *
   * @return the flow, or null when the VIP is gone (deleted, or the simulator restarted)
   */
  synchronized @Nullable Flow newFlow(
      ForwardRules.Target target, InetAddress client, int clientPort) {
    LbPlugin.Vip v = target.lbVip();
    if (!current(v)) {
      return null;
    }
    InetAddress src = sameFamily(client, target.vip());
    int hash =
        FlowHash.hash(src, clientPort, target.vip(), target.port(), v.protocol, v.srcIpSticky);
    int index = lb.table(v)[FlowHash.bucket(hash, v.tableLength)];
    if (index == 0) {
      v.counters[3]++;
      return new Flow(generation, v, hash, null);
    }
    LbPlugin.As as = lb.ass.get(index);
    as.flows++;
    v.counters[1]++;
    return new Flow(generation, v, hash, as);
  }

  /** Counts packets of an established flow ("packet from existing sessions"). */
  synchronized void packets(Flow f, long n) {
    if (current(f.vip)) {
      f.vip.counters[0] += n;
    }
  }

  /**
   * Whether a flow still reaches its AS: false once its VIP is gone or the simulator restarted, and
   * after a flush of its AS or VIP when the new-flow table no longer sends its hash there (VPP
   * re-hashes a flushed flow on its next packet; a TCP connection that lands elsewhere is reset).
   */
  synchronized boolean alive(Flow f) {
    if (f.as == null || f.generation != generation || !current(f.vip)) {
      return false;
    }
    if (f.as.flushes == f.asFlushes && f.vip.flushes == f.vipFlushes) {
      return true;
    }
    int index = lb.table(f.vip)[FlowHash.bucket(f.hash, f.vip.tableLength)];
    if (index != f.as.index || !f.as.active) {
      return false;
    }
    f.asFlushes = f.as.flushes;
    f.vipFlushes = f.vip.flushes;
    return true;
  }

  /** The connection closed: its sticky entry no longer holds the AS. */
  synchronized void endFlow(Flow f) {
    if (!f.ended && f.as != null) {
      f.as.flows--;
    }
    f.ended = true;
  }

  private boolean current(LbPlugin.Vip v) {
    return v.active && v.index < lb.vips.size() && lb.vips.get(v.index) == v;
  }

  /**
   * The client as the VIP's family sees it: ::ffff:a.b.c.d for IPv6, the last four bytes for v4.
   */
  private static InetAddress sameFamily(InetAddress client, InetAddress vip) {
    boolean ip4 = vip instanceof Inet4Address;
    if (ip4 == client instanceof Inet4Address) {
      return client;
    }
    byte[] raw = client.getAddress();
    try {
      if (ip4) {
        return InetAddress.getByAddress(Arrays.copyOfRange(raw, 12, 16));
      }
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(raw, 0, mapped, 12, 4);
      return Inet6Address.getByAddress(null, mapped, -1);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Demo traffic: VIPs with a usable AS see new and existing flows, others drop packets. */
  synchronized void simulateTraffic() {
    for (int i = 1; i < lb.vips.size(); i++) {
      LbPlugin.Vip v = lb.vips.get(i);
      if (v == null || !v.active) {
        continue;
      }
      long n = ThreadLocalRandom.current().nextLong(10, 200);
      if (v.servers(lb).stream().anyMatch(a -> a.active && a.weight > 0)) {
        v.counters[0] += n;
        v.counters[1] += n / 10 + 1;
      } else {
        v.counters[3] += n / 10 + 1;
      }
    }
  }

  /**
   * The replies to one request from the client with handle {@code clientHandle}, or null when VPP
   * would not answer it.
   */
  synchronized @Nullable List<Message> handle(Message request, int clientHandle) {
    if (!answering) {
      return null;
    }
    return switch (request) {
      case SockclntCreate m -> List.of(new SockclntCreateReply(0, clientHandle, table.entries()));
      case SockclntDelete m -> List.of(new SockclntDeleteReply(m.index() == clientHandle ? 1 : -1));
      case ControlPing m -> List.of(new ControlPingReply(0, clientHandle, pid));
      case GetFirstMsgId m -> {
        String module = MODULE_IDS.get(m.name());
        yield List.of(
            module == null
                ? new GetFirstMsgIdReply(-7, 0xffff)
                : new GetFirstMsgIdReply(0, table.firstId(module)));
      }
      case ApiVersions m -> List.of(new ApiVersionsReply(0, List.of()));
      case ShowVersion m -> List.of(new ShowVersionReply(0, "vpe", VERSION, buildDate, ""));
      case CliInband m -> {
        String reply = cli.run(m.cmd());
        onChange.run();
        yield List.of(new CliInbandReply(0, reply));
      }
      default -> {
        if (request instanceof LbConf
            || request instanceof LbAddDelVip
            || request instanceof LbAddDelVipV2
            || request instanceof LbAddDelAs
            || request instanceof LbAddDelAsV2
            || request instanceof LbAsSetWeight
            || request instanceof LbFlushVip) {
          writes++;
          List<Message> replies = lbApi.handle(request);
          onChange.run();
          yield replies;
        }
        yield lbApi.handle(request);
      }
    };
  }
}
