package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.config.VppLbSettings;
import ch.ipng.maglev.vpp.api.MessageType;
import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.api.VppException;
import ch.ipng.maglev.vpp.api.msg.ControlPing;
import ch.ipng.maglev.vpp.api.msg.ControlPingReply;
import ch.ipng.maglev.vpp.api.msg.ShowVersion;
import ch.ipng.maglev.vpp.api.msg.ShowVersionReply;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.stats.StatsSegment;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One connection to VPP's two sockets (API and stats): they come and go together. */
final class VppLink implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(VppLink.class);
  static final String CLIENT_NAME = "vpp-maglev";

  private final VppConnection api;
  private final LbApi lb;
  private final StatsSegment stats;
  private final VppInfo info;

  private VppLink(VppConnection api, LbApi lb, StatsSegment stats, VppInfo info) {
    this.api = api;
    this.lb = lb;
    this.stats = stats;
    this.info = info;
  }

  /**
   * Connects both sockets and reads VPP's version, pid and boot time.
   *
   * @throws VppException when either socket or a first call fails; nothing is left open
   */
  static VppLink connect(
      Path apiSocket,
      Path statsSocket,
      Duration requestTimeout,
      VppConnection.Observer observer,
      Clock clock) {
    VppConnection api =
        VppConnection.connect(apiSocket, CLIENT_NAME, requestTimeout, required(), observer);
    try {
      StatsSegment stats = StatsSegment.connect(statsSocket, Duration.ofSeconds(1));
      try {
        ShowVersionReply version =
            api.callSync(new ShowVersion(), ShowVersionReply.TYPE, "show_version");
        ControlPingReply ping =
            api.callSync(new ControlPing(), ControlPingReply.TYPE, "control_ping");
        VppInfo info =
            new VppInfo(
                version.version(),
                version.buildDate(),
                version.buildDirectory(),
                ping.vpePid(),
                stats.scalar("/sys/boottime"),
                clock.instant());
        return new VppLink(api, LbApi.of(new LbClient(api)), stats, info);
      } catch (RuntimeException e) {
        stats.close();
        throw e;
      }
    } catch (RuntimeException e) {
      api.close();
      throw e;
    }
  }

  private static List<MessageType<?>> required() {
    List<MessageType<?>> r = new ArrayList<>(LbClient.REQUIRED);
    r.add(ControlPing.TYPE);
    r.add(ControlPingReply.TYPE);
    return r;
  }

  VppConnection api() {
    return api;
  }

  LbApi lb() {
    return lb;
  }

  StatsSegment stats() {
    return stats;
  }

  VppInfo info() {
    return info;
  }

  /**
   * @throws VppException when VPP does not answer
   */
  void ping() {
    api.callSync(new ControlPing(), ControlPingReply.TYPE, "control_ping");
  }

  /**
   * Writes lb_conf unless VPP holds it already; needs both source addresses.
   *
   * @return whether the settings are settled (written, already there, or not writable): false only
   *     when VPP refused, so the next call tries again
   */
  boolean pushConf(VppLbSettings s) {
    if (s.ipv4SrcAddress() == null || s.ipv6SrcAddress() == null) {
      // the config loader refuses such a config when VPP is programmed; kept for safety
      logger
          .atWarn()
          .setMessage("vpp-lb-conf-skipped")
          .addKeyValue("reason", "maglev.vpp.lb.ipv4-src-address or ipv6-src-address is unset")
          .log();
      return true;
    }
    LbClient.Conf conf =
        new LbClient.Conf(
            s.ipv4SrcAddress(),
            s.ipv6SrcAddress(),
            (int) s.stickyBucketsPerCore(),
            (int) s.flowTimeout().toSeconds());
    try {
      if (VppConnection.await(lb.confGet()).equals(conf)) {
        return true; // VPP already has it: nothing is written
      }
      VppConnection.await(lb.conf(conf));
      logger.atInfo().setMessage("vpp-lb-conf").addKeyValue("conf", conf.toString()).log();
      return true;
    } catch (VppException e) {
      logger.atWarn().setMessage("vpp-lb-conf-failed").addKeyValue("error", e.getMessage()).log();
      return false;
    }
  }

  @Override
  public void close() {
    api.close();
    stats.close();
  }
}
