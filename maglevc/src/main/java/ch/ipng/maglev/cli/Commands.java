package ch.ipng.maglev.cli;

import ch.ipng.maglev.cli.tree.Invocation;
import ch.ipng.maglev.cli.tree.Node;
import ch.ipng.maglev.cli.tree.Node.Slot;
import ch.ipng.maglev.common.Version;
import ch.ipng.maglev.proto.BackendInfo;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.proto.CheckConfigRequest;
import ch.ipng.maglev.proto.CheckConfigResponse;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.GetBackendRequest;
import ch.ipng.maglev.proto.GetFrontendRequest;
import ch.ipng.maglev.proto.GetHealthCheckRequest;
import ch.ipng.maglev.proto.GetVPPInfoRequest;
import ch.ipng.maglev.proto.GetVPPLBCountersRequest;
import ch.ipng.maglev.proto.GetVPPLBStateRequest;
import ch.ipng.maglev.proto.HealthCheckInfo;
import ch.ipng.maglev.proto.ListBackendsRequest;
import ch.ipng.maglev.proto.ListFrontendsRequest;
import ch.ipng.maglev.proto.ListHealthChecksRequest;
import ch.ipng.maglev.proto.PoolBackendInfo;
import ch.ipng.maglev.proto.PoolInfo;
import ch.ipng.maglev.proto.PreviewWeightAS;
import ch.ipng.maglev.proto.PreviewWeightRequest;
import ch.ipng.maglev.proto.PreviewWeightResponse;
import ch.ipng.maglev.proto.ProbeResultInfo;
import ch.ipng.maglev.proto.ReloadConfigRequest;
import ch.ipng.maglev.proto.SetWeightRequest;
import ch.ipng.maglev.proto.SyncVPPLBStateRequest;
import ch.ipng.maglev.proto.SyncVPPLBStateResponse;
import ch.ipng.maglev.proto.TransitionInfo;
import ch.ipng.maglev.proto.VPPInfo;
import ch.ipng.maglev.proto.VPPLBAS;
import ch.ipng.maglev.proto.VPPLBCounters;
import ch.ipng.maglev.proto.VPPLBState;
import ch.ipng.maglev.proto.VPPLBVIP;
import ch.ipng.maglev.proto.VPPLBVIPCounters;
import ch.ipng.maglev.proto.VPPWarmUp;
import ch.ipng.maglev.proto.WatchRequest;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** maglevc's command tree and what each command prints. */
final class Commands {
  private final Session session;

  Commands(Session session) {
    this.session = session;
  }

  /** The whole tree: dispatch, completion and "?" help all read this one definition. */
  Node tree() {
    Node root = Node.root();
    Node show = root.word("show", "show information");
    show.word("version", "maglevc's version and server").action(this::showVersion);
    show.word("frontends", "all frontends").action(this::showFrontends);
    show.word("frontend", "one frontend with its pools")
        .slot(Slot.FRONTEND, "frontend name")
        .action(this::showFrontend);
    show.word("backends", "all backends").action(this::showBackends);
    show.word("backend", "one backend with its history and recent probes")
        .slot(Slot.BACKEND, "backend name")
        .action(this::showBackend);
    show.word("healthchecks", "all health checks").action(this::showHealthChecks);
    show.word("healthcheck", "one health check")
        .slot(Slot.HEALTHCHECK, "health check name")
        .action(this::showHealthCheck);
    Node vpp = show.word("vpp", "VPP information");
    vpp.word("info", "VPP version and uptime").action(this::showVppInfo);
    Node lb = vpp.word("lb", "VPP load-balancer state");
    lb.word("state", "VIPs and application servers in VPP").action(this::showVppLbState);
    lb.word("counters", "per-VIP packet counters").action(this::showVppLbCounters);

    Node sync =
        root.word("sync", "reconcile VPP with maglevd")
            .word("vpp", "VPP")
            .word("lb", "VPP load balancer");
    Node syncState = sync.word("state", "all VIPs, or one frontend's").action(this::syncVpp);
    syncState.slot(Slot.FRONTEND, "frontend name").action(this::syncVpp);

    Node set = root.word("set", "change runtime state");
    Node backend = set.word("backend", "a backend's lifecycle").slot(Slot.BACKEND, "backend name");
    backend.word("pause", "stop probing; weight 0, flows kept").action(this::lifecycle);
    backend.word("resume", "probe again, from unknown").action(this::lifecycle);
    backend.word("enable", "re-enable a disabled backend").action(this::lifecycle);
    backend.word("disable", "disable: weight 0, flows flushed").action(this::lifecycle);
    Node weight =
        set.word("frontend", "a frontend's pool weights")
            .slot(Slot.FRONTEND, "frontend name")
            .word("pool", "pool")
            .slot(Slot.POOL, "pool name")
            .word("backend", "backend")
            .slot(Slot.BACKEND, "backend name")
            .word("weight", "new weight")
            .slot(Slot.WEIGHT, "weight 0-100")
            .action(this::setWeight);
    String dryRun = "show the buckets that would move; change nothing";
    weight.word("dry-run", dryRun).action(this::previewWeight);
    weight
        .word("flush", "also flush the backend's existing flows")
        .action(this::setWeight)
        .word("dry-run", dryRun)
        .action(this::previewWeight);

    Node events =
        root.word("watch", "follow live events")
            .word("events", "transitions and logs until a key is pressed")
            .options()
            .action(this::watchEvents);
    events.word("num", "stop after n events").slot(Slot.COUNT, "number of events");
    Node log = events.word("log", "log records (info and up)");
    log.word("level", "minimum log level").slot(Slot.LEVEL, "debug, info, warn or error");
    events.word("backend", "backend transitions");
    events.word("frontend", "frontend transitions");

    Node config = root.word("config", "maglevd's config file");
    config.word("check", "validate the file on disk").action(this::configCheck);
    config.word("reload", "validate and apply the file on disk").action(this::configReload);
    return root;
  }

  private Output out() {
    return session.output();
  }

  /** Prints a message as protobuf JSON when --json is on; returns whether it did. */
  private boolean json(MessageOrBuilder m) throws Exception {
    if (!session.json()) {
      return false;
    }
    out().line(JsonFormat.printer().alwaysPrintFieldsWithNoPresence().print(m));
    return true;
  }

  private void showVersion(Invocation inv) {
    out()
        .fields(
            List.of(
                new String[] {"maglevc", Version.current().summary()},
                new String[] {"server", session.server()}));
  }

  private void showFrontends(Invocation inv) throws Exception {
    var resp = session.stub().listFrontends(ListFrontendsRequest.getDefaultInstance());
    if (json(resp)) {
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (FrontendInfo f : resp.getFrontendsList()) {
      int backends = f.getPoolsList().stream().mapToInt(PoolInfo::getBackendsCount).sum();
      rows.add(
          List.of(
              f.getName(),
              f.getAddress(),
              f.getProtocol(),
              f.getPort() == 0 ? "all" : Integer.toString(f.getPort()),
              f.getState(),
              f.getActivePool() < 0 ? "-" : f.getPools(f.getActivePool()).getName(),
              Integer.toString(f.getPoolsCount()),
              Integer.toString(backends)));
    }
    out()
        .table(
            List.of("NAME", "ADDRESS", "PROTO", "PORT", "STATE", "ACTIVE", "POOLS", "BACKENDS"),
            rows);
  }

  private void showFrontend(Invocation inv) throws Exception {
    FrontendInfo f =
        session
            .stub()
            .getFrontend(GetFrontendRequest.newBuilder().setName(name(inv, Slot.FRONTEND)).build());
    if (json(f)) {
      return;
    }
    List<String[]> fields = new ArrayList<>();
    fields.add(new String[] {"name", f.getName()});
    fields.add(new String[] {"address", f.getAddress()});
    fields.add(new String[] {"protocol", f.getProtocol()});
    fields.add(new String[] {"port", f.getPort() == 0 ? "all" : Integer.toString(f.getPort())});
    fields.add(new String[] {"state", f.getState()});
    fields.add(new String[] {"src-ip-sticky", Boolean.toString(f.getSrcIpSticky())});
    fields.add(new String[] {"flush-on-down", Boolean.toString(f.getFlushOnDown())});
    if (!f.getDescription().isEmpty()) {
      fields.add(new String[] {"description", f.getDescription()});
    }
    fields.add(
        new String[] {
          "active-pool",
          f.getActivePool() < 0 ? "none (fail-closed)" : f.getPools(f.getActivePool()).getName()
        });
    out().fields(fields);
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < f.getPoolsCount(); i++) {
      PoolInfo p = f.getPools(i);
      for (PoolBackendInfo b : p.getBackendsList()) {
        rows.add(
            List.of(
                p.getName() + (i == f.getActivePool() ? " *" : ""),
                b.getName(),
                b.getState(),
                Integer.toString(b.getWeight()),
                Integer.toString(b.getEffectiveWeight()),
                b.getFlush() ? "yes" : "no"));
      }
    }
    out().line("");
    out().table(List.of("POOL", "BACKEND", "STATE", "WEIGHT", "EFFECTIVE", "FLUSH"), rows);
  }

  private void showBackends(Invocation inv) throws Exception {
    var resp = session.stub().listBackends(ListBackendsRequest.getDefaultInstance());
    if (json(resp)) {
      return;
    }
    long now = nowNanos();
    List<List<String>> rows = new ArrayList<>();
    for (BackendInfo b : resp.getBackendsList()) {
      ProbeResultInfo last = b.getProbesCount() > 0 ? b.getProbes(0) : null;
      rows.add(
          List.of(
              b.getName(),
              b.getAddress(),
              b.getState(),
              b.getHealthcheck(),
              b.getCounter() + "/" + (b.getRise() + b.getFall() - 1),
              Durations.age(b.getLastTransitionNs(), now),
              last == null ? "-" : last.getCode() + " " + last.getDetail()));
    }
    out()
        .table(
            List.of("NAME", "ADDRESS", "STATE", "HEALTHCHECK", "HEALTH", "SINCE", "LAST PROBE"),
            rows);
  }

  private void showBackend(Invocation inv) throws Exception {
    BackendInfo b =
        session
            .stub()
            .getBackend(GetBackendRequest.newBuilder().setName(name(inv, Slot.BACKEND)).build());
    if (json(b)) {
      return;
    }
    long now = nowNanos();
    List<String[]> fields = new ArrayList<>();
    fields.add(new String[] {"name", b.getName()});
    fields.add(new String[] {"address", b.getAddress()});
    fields.add(new String[] {"state", b.getState()});
    fields.add(new String[] {"enabled", Boolean.toString(b.getEnabled())});
    fields.add(new String[] {"healthcheck", b.getHealthcheck()});
    fields.add(
        new String[] {
          "health",
          b.getCounter() + " of " + (b.getRise() + b.getFall() - 1) + " (up at " + b.getRise() + ")"
        });
    if (!b.getDescription().isEmpty()) {
      fields.add(new String[] {"description", b.getDescription()});
    }
    fields.add(new String[] {"frontends", String.join(", ", b.getFrontendsList())});
    out().fields(fields);
    out().line("");
    out().line(out().label("transitions") + " (newest first)");
    List<List<String>> rows = new ArrayList<>();
    for (TransitionInfo t : b.getTransitionsList()) {
      rows.add(
          List.of(
              Instant.ofEpochSecond(0, t.getTimeNs()).toString(),
              Durations.age(t.getTimeNs(), now) + " ago",
              t.getFrom() + " -> " + t.getTo(),
              t.getCode(),
              t.getDetail()));
    }
    out().table(List.of("TIME", "AGE", "CHANGE", "CODE", "DETAIL"), rows);
    out().line("");
    out().line(out().label("probes") + " (newest first)");
    rows = new ArrayList<>();
    for (ProbeResultInfo p : b.getProbesList()) {
      rows.add(
          List.of(
              Instant.ofEpochSecond(0, p.getTimeNs()).toString(),
              p.getOk() ? "pass" : "fail",
              p.getCode(),
              Durations.millis(p.getLatencyNs()),
              p.getDetail()));
    }
    out().table(List.of("TIME", "RESULT", "CODE", "LATENCY", "DETAIL"), rows);
  }

  private void showHealthChecks(Invocation inv) throws Exception {
    var resp = session.stub().listHealthChecks(ListHealthChecksRequest.getDefaultInstance());
    if (json(resp)) {
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (HealthCheckInfo h : resp.getHealthchecksList()) {
      rows.add(
          List.of(
              h.getName(),
              h.getType(),
              h.getPort() == 0 ? "-" : Integer.toString(h.getPort()),
              Durations.go(h.getIntervalNs()),
              Durations.go(h.getFastIntervalNs()),
              Durations.go(h.getDownIntervalNs()),
              Durations.go(h.getTimeoutNs()),
              Integer.toString(h.getRise()),
              Integer.toString(h.getFall()),
              Integer.toString(h.getBackendsCount())));
    }
    out()
        .table(
            List.of(
                "NAME",
                "TYPE",
                "PORT",
                "INTERVAL",
                "FAST",
                "DOWN",
                "TIMEOUT",
                "RISE",
                "FALL",
                "BACKENDS"),
            rows);
  }

  private void showHealthCheck(Invocation inv) throws Exception {
    HealthCheckInfo h =
        session
            .stub()
            .getHealthCheck(
                GetHealthCheckRequest.newBuilder().setName(name(inv, Slot.HEALTHCHECK)).build());
    if (json(h)) {
      return;
    }
    List<String[]> fields = new ArrayList<>();
    fields.add(new String[] {"name", h.getName()});
    fields.add(new String[] {"type", h.getType()});
    if (h.getPort() != 0) {
      fields.add(new String[] {"port", Integer.toString(h.getPort())});
    }
    fields.add(new String[] {"interval", Durations.go(h.getIntervalNs())});
    fields.add(new String[] {"fast-interval", Durations.go(h.getFastIntervalNs())});
    fields.add(new String[] {"down-interval", Durations.go(h.getDownIntervalNs())});
    fields.add(new String[] {"timeout", Durations.go(h.getTimeoutNs())});
    fields.add(new String[] {"rise", Integer.toString(h.getRise())});
    fields.add(new String[] {"fall", Integer.toString(h.getFall())});
    if (!h.getProbeIpv4Src().isEmpty()) {
      fields.add(new String[] {"probe-ipv4-src", h.getProbeIpv4Src()});
    }
    if (!h.getProbeIpv6Src().isEmpty()) {
      fields.add(new String[] {"probe-ipv6-src", h.getProbeIpv6Src()});
    }
    new java.util.TreeMap<>(h.getParamsMap())
        .forEach((k, v) -> fields.add(new String[] {"params." + k, v}));
    fields.add(new String[] {"backends", String.join(", ", h.getBackendsList())});
    out().fields(fields);
  }

  private void showVppInfo(Invocation inv) throws Exception {
    VPPInfo v = session.stub().getVPPInfo(GetVPPInfoRequest.getDefaultInstance());
    if (json(v)) {
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
    if (json(s)) {
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
                new String[] {"flow-timeout", s.getConf().getFlowTimeout() + "s"}));
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
    if (json(c)) {
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
    if (json(r)) {
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

  private void lifecycle(Invocation inv) throws Exception {
    String name = name(inv, Slot.BACKEND);
    BackendRequest req = BackendRequest.newBuilder().setName(name).build();
    var stub = session.stub();
    BackendInfo b;
    if (inv.has("pause")) {
      b = stub.pauseBackend(req);
    } else if (inv.has("resume")) {
      b = stub.resumeBackend(req);
    } else if (inv.has("enable")) {
      b = stub.enableBackend(req);
    } else {
      b = stub.disableBackend(req);
    }
    if (json(b)) {
      return;
    }
    out().line("backend " + b.getName() + ": " + b.getState());
  }

  private void setWeight(Invocation inv) throws Exception {
    SetWeightRequest req =
        SetWeightRequest.newBuilder()
            .setFrontend(name(inv, Slot.FRONTEND))
            .setPool(name(inv, Slot.POOL))
            .setBackend(name(inv, Slot.BACKEND))
            .setWeight(Integer.parseInt(name(inv, Slot.WEIGHT)))
            .setFlush(inv.has("flush"))
            .build();
    FrontendInfo f = session.stub().setFrontendPoolBackendWeight(req);
    if (json(f)) {
      return;
    }
    for (PoolInfo p : f.getPoolsList()) {
      for (PoolBackendInfo b : p.getBackendsList()) {
        if (p.getName().equals(req.getPool()) && b.getName().equals(req.getBackend())) {
          out()
              .line(
                  "frontend "
                      + f.getName()
                      + " pool "
                      + p.getName()
                      + " backend "
                      + b.getName()
                      + ": weight "
                      + b.getWeight()
                      + ", effective "
                      + b.getEffectiveWeight()
                      + (req.getFlush() ? " (flush)" : ""));
        }
      }
    }
  }

  /** {@code set frontend … weight N dry-run}: the churn table, nothing changed. */
  private void previewWeight(Invocation inv) throws Exception {
    PreviewWeightRequest req =
        PreviewWeightRequest.newBuilder()
            .setFrontend(name(inv, Slot.FRONTEND))
            .setPool(name(inv, Slot.POOL))
            .setBackend(name(inv, Slot.BACKEND))
            .setWeight(Integer.parseInt(name(inv, Slot.WEIGHT)))
            .build();
    PreviewWeightResponse p = session.stub().previewFrontendPoolBackendWeight(req);
    if (json(p)) {
      return;
    }
    out().fields(churn(req, p));
    out().line("");
    List<List<String>> rows = new ArrayList<>();
    for (PreviewWeightAS a : p.getAsesList()) {
      int delta = a.getBucketsAfter() - a.getBucketsBefore();
      rows.add(
          List.of(
              a.getAddress(),
              a.getBackend().isEmpty() ? "-" : a.getBackend(),
              a.getWeightBefore() + " -> " + a.getWeightAfter(),
              a.getBucketsBefore() + " -> " + a.getBucketsAfter(),
              delta > 0 ? "+" + delta : Integer.toString(delta)));
    }
    out().table(List.of("AS", "BACKEND", "WEIGHT", "BUCKETS", "CHANGE"), rows);
  }

  /** The preview's summary lines: what was asked, what would move, and whether it reaches VPP. */
  static List<String[]> churn(PreviewWeightRequest req, PreviewWeightResponse p) {
    List<String[]> fields = new ArrayList<>();
    fields.add(
        new String[] {
          "dry-run",
          "frontend "
              + req.getFrontend()
              + " pool "
              + req.getPool()
              + " backend "
              + req.getBackend()
              + " weight "
              + req.getWeight()
              + ": nothing changed"
        });
    fields.add(new String[] {"moved", p.getMoved() + " of " + p.getTableLength() + " buckets"});
    fields.add(new String[] {"reaches-vpp", p.getReachesVpp() ? "yes" : "no: " + p.getReason()});
    if (p.getPending()) {
      fields.add(
          new String[] {
            "pending",
            "VPP differs from what maglevd wants already; the write after the change includes"
                + " that"
          });
    }
    return fields;
  }

  private void watchEvents(Invocation inv) throws Exception {
    boolean log = inv.has("log");
    boolean backend = inv.has("backend");
    boolean frontend = inv.has("frontend");
    if (!log && !backend && !frontend) {
      log = true;
      backend = true;
      frontend = true;
    }
    WatchRequest req =
        WatchRequest.newBuilder()
            .setLog(log)
            .setLogLevel(inv.value(Slot.LEVEL).orElse("info"))
            .setBackend(backend)
            .setFrontend(frontend)
            .build();
    long limit = inv.value(Slot.COUNT).map(Long::parseLong).orElse(Long.MAX_VALUE);
    JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
    session.watch(
        req,
        (Iterator<Event> events) -> {
          long n = 0;
          while (n < limit && events.hasNext()) {
            out().line(printer.print(events.next()));
            out().flush();
            n++;
          }
        });
  }

  private void configCheck(Invocation inv) throws Exception {
    CheckConfigResponse r = session.stub().checkConfig(CheckConfigRequest.getDefaultInstance());
    if (json(r)) {
      return;
    }
    report(r.getOk(), r.getParseError(), r.getSemanticError(), "config ok");
  }

  private void configReload(Invocation inv) throws Exception {
    var r = session.stub().reloadConfig(ReloadConfigRequest.getDefaultInstance());
    if (json(r)) {
      return;
    }
    report(r.getOk(), r.getParseError(), r.getSemanticError(), "config reloaded");
  }

  private void report(boolean ok, String parse, String semantic, String success) {
    if (ok) {
      out().line(success);
      return;
    }
    throw new CommandFailure(
        (parse.isEmpty() ? "semantic error:\n" + semantic : "parse error:\n" + parse).strip());
  }

  private static String name(Invocation inv, Slot slot) {
    return inv.value(slot).orElseThrow(() -> new IllegalStateException("no " + slot.label()));
  }

  private static long nowNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** A command that reached the server and failed: exit status 2. */
  static final class CommandFailure extends RuntimeException {
    CommandFailure(String message) {
      super(message);
    }
  }
}
