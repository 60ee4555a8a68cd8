package ch.ipng.maglev.cli;

import static ch.ipng.maglev.cli.Commands.json;
import static ch.ipng.maglev.cli.Commands.nowNanos;

import ch.ipng.maglev.cli.tree.Invocation;
import ch.ipng.maglev.cli.tree.Node;
import ch.ipng.maglev.cli.tree.Node.Slot;
import ch.ipng.maglev.proto.GetVPPInfoRequest;
import ch.ipng.maglev.proto.GetVPPLBCountersRequest;
import ch.ipng.maglev.proto.GetVPPLBStateRequest;
import ch.ipng.maglev.proto.SyncVPPLBStateRequest;
import ch.ipng.maglev.proto.SyncVPPLBStateResponse;
import ch.ipng.maglev.proto.VPPInfo;
import ch.ipng.maglev.proto.VPPLBAS;
import ch.ipng.maglev.proto.VPPLBCounters;
import ch.ipng.maglev.proto.VPPLBState;
import ch.ipng.maglev.proto.VPPLBVIP;
import ch.ipng.maglev.proto.VPPLBVIPCounters;
import ch.ipng.maglev.proto.VPPWarmUp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code show vpp …} and {@code sync vpp lb state}: VPP as maglevd sees and programs it. */
final class VppCommands {
  private final Session session;

  private VppCommands(Session session) {
    this.session = session;
  }

  /** Adds {@code vpp} under {@code show}, and {@code sync} under {@code root}. */
  static void addTo(Node show, Node root, Session session) {
    VppCommands c = new VppCommands(session);
    Node vpp = show.word("vpp", "VPP information");
    vpp.word("info", "VPP version and uptime").action(c::showVppInfo);
    Node lb = vpp.word("lb", "VPP load-balancer state");
    lb.word("state", "VIPs and application servers in VPP").action(c::showVppLbState);
    lb.word("counters", "per-VIP packet counters").action(c::showVppLbCounters);
    FlowCommand.addTo(lb, session);

    Node sync =
        root.word("sync", "reconcile VPP with maglevd")
            .word("vpp", "VPP")
            .word("lb", "VPP load balancer");
    Node syncState = sync.word("state", "all VIPs, or one frontend's").action(c::syncVpp);
    syncState.slot(Slot.FRONTEND, "frontend name").action(c::syncVpp);
  }

  private Output out() {
    return session.output();
  }

  private void showVppInfo(Invocation inv) throws Exception {
    VPPInfo v = session.stub().getVPPInfo(GetVPPInfoRequest.getDefaultInstance());
    if (json(session, v)) {
      return;
    }
    long now = nowNanos();
    out()
        .fields(
            List.of(
                new String[] {"version", v.getVersion()},
                new String[] {"build-date", v.getBuildDate()},
                new String[] {"build-dir", v.getBuildDirectory()},
                new String[] {"vpp-pid", Integer.toString(v.getPid())},
                new String[] {
                  "vpp-boottime",
                  Instant.ofEpochSecond(0, v.getBoottimeNs())
                      + " ("
                      + Durations.age(v.getBoottimeNs(), now)
                      + " ago)"
                },
                new String[] {
                  "connected",
                  Instant.ofEpochSecond(0, v.getConnecttimeNs())
                      + " ("
                      + Durations.age(v.getConnecttimeNs(), now)
                      + " ago)"
                },
                new String[] {"warm-up", warmUp(v.getWarmUp(), now)}));
  }

  /** "done", or when the warm-up ends and which frontends it still holds back from VPP. */
  static String warmUp(VPPWarmUp w, long now) {
    if (!w.getActive()) {
      return "done";
    }
    String held =
        w.getHeldFrontendsCount() == 0
            ? "every frontend released"
            : "holding " + String.join(", ", w.getHeldFrontendsList());
    String handsOff =
        w.getHandsOffUntilNs() > now
            ? ", nothing written for " + Durations.age(now, w.getHandsOffUntilNs()) + " more"
            : "";
    return "until "
        + Instant.ofEpochSecond(0, w.getEndsNs())
        + " (in "
        + Durations.age(now, w.getEndsNs())
        + "), "
        + held
        + handsOff;
  }

  private void showVppLbState(Invocation inv) throws Exception {
    VPPLBState s = session.stub().getVPPLBState(GetVPPLBStateRequest.getDefaultInstance());
    if (json(session, s)) {
      return;
    }
    out()
        .fields(
            List.of(
                new String[] {"ipv4-src-address", s.getConf().getIpv4SrcAddress()},
                new String[] {"ipv6-src-address", s.getConf().getIpv6SrcAddress()},
                new String[] {
                  "sticky-buckets-per-core", Integer.toString(s.getConf().getStickyBucketsPerCore())
                },
                new String[] {"flow-timeout", s.getConf().getFlowTimeout() + "s"},
                new String[] {"config-digest", s.getConfigDigest()}));
    for (VPPLBVIP v : s.getVipsList()) {
      out().line("");
      out()
          .line(
              out().label("vip")
                  + " "
                  + v.getPrefix()
                  + " "
                  + v.getProtocol()
                  + (v.getPort() == 0 ? "" : "/" + v.getPort())
                  + " encap "
                  + v.getEncap()
                  + (v.getSrcIpSticky() ? " src-ip-sticky" : "")
                  + " index "
                  + v.getIndex()
                  + (v.getFrontend().isEmpty() ? "" : " (frontend " + v.getFrontend() + ")"));
      out().line("  " + out().label("table-digest") + " " + FlowCommand.digests(v));
      List<List<String>> rows = new ArrayList<>();
      for (VPPLBAS a : v.getAsesList()) {
        rows.add(
            List.of(
                a.getAddress(),
                Integer.toString(a.getWeight()),
                Integer.toString(a.getBuckets()),
                a.getBackend()));
      }
      out().table(List.of("AS", "WEIGHT", "BUCKETS", "BACKEND"), rows);
    }
  }

  private void showVppLbCounters(Invocation inv) throws Exception {
    VPPLBCounters c = session.stub().getVPPLBCounters(GetVPPLBCountersRequest.getDefaultInstance());
    if (json(session, c)) {
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (VPPLBVIPCounters v : c.getVipsList()) {
      rows.add(
          List.of(
              v.getPrefix(),
              v.getProtocol() + (v.getPort() == 0 ? "" : "/" + v.getPort()),
              v.getFrontend(),
              Long.toUnsignedString(v.getNext()),
              Long.toUnsignedString(v.getFirst()),
              Long.toUnsignedString(v.getUntracked()),
              Long.toUnsignedString(v.getNoServer()),
              Long.toUnsignedString(v.getRoutePackets()),
              Long.toUnsignedString(v.getRouteBytes())));
    }
    out()
        .table(
            List.of(
                "VIP",
                "PORT",
                "FRONTEND",
                "NEXT",
                "FIRST",
                "UNTRACKED",
                "NO-SERVER",
                "PACKETS",
                "BYTES"),
            rows);
  }

  private void syncVpp(Invocation inv) throws Exception {
    SyncVPPLBStateResponse r =
        session
            .stub()
            .syncVPPLBState(
                SyncVPPLBStateRequest.newBuilder()
                    .setFrontend(inv.value(Slot.FRONTEND).orElse(""))
                    .build());
    if (json(session, r)) {
      return;
    }
    out()
        .fields(
            List.of(
                new String[] {"vip-added", Integer.toString(r.getVipAdded())},
                new String[] {"vip-removed", Integer.toString(r.getVipRemoved())},
                new String[] {"as-added", Integer.toString(r.getAsAdded())},
                new String[] {"as-removed", Integer.toString(r.getAsRemoved())},
                new String[] {"as-weight-updated", Integer.toString(r.getAsWeightUpdated())}));
  }
}
