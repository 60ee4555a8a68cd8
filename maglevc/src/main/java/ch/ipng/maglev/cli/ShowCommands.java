package ch.ipng.maglev.cli;

import static ch.ipng.maglev.cli.Commands.json;
import static ch.ipng.maglev.cli.Commands.name;
import static ch.ipng.maglev.cli.Commands.nowNanos;

import ch.ipng.maglev.cli.tree.Invocation;
import ch.ipng.maglev.cli.tree.Node;
import ch.ipng.maglev.cli.tree.Node.Slot;
import ch.ipng.maglev.common.Version;
import ch.ipng.maglev.proto.BackendInfo;
import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.GetBackendRequest;
import ch.ipng.maglev.proto.GetFrontendRequest;
import ch.ipng.maglev.proto.GetHealthCheckRequest;
import ch.ipng.maglev.proto.HealthCheckInfo;
import ch.ipng.maglev.proto.ListBackendsRequest;
import ch.ipng.maglev.proto.ListFrontendsRequest;
import ch.ipng.maglev.proto.ListHealthChecksRequest;
import ch.ipng.maglev.proto.PoolBackendInfo;
import ch.ipng.maglev.proto.PoolInfo;
import ch.ipng.maglev.proto.ProbeResultInfo;
import ch.ipng.maglev.proto.SlowStartInfo;
import ch.ipng.maglev.proto.TransitionInfo;
import ch.ipng.maglev.proto.WeightReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code show}: maglevc's version, and maglevd's frontends, backends and health checks. */
final class ShowCommands {
  private final Session session;

  private ShowCommands(Session session) {
    this.session = session;
  }

  /** Adds the words under {@code show} (the VPP ones are {@link VppCommands}'). */
  static void addTo(Node show, Session session) {
    ShowCommands c = new ShowCommands(session);
    show.word("version", "maglevc's version and server").action(c::showVersion);
    show.word("frontends", "all frontends").action(c::showFrontends);
    show.word("frontend", "one frontend with its pools")
        .slot(Slot.FRONTEND, "frontend name")
        .action(c::showFrontend);
    show.word("backends", "all backends").action(c::showBackends);
    show.word("backend", "one backend with its history and recent probes")
        .slot(Slot.BACKEND, "backend name")
        .action(c::showBackend);
    show.word("healthchecks", "all health checks").action(c::showHealthChecks);
    show.word("healthcheck", "one health check")
        .slot(Slot.HEALTHCHECK, "health check name")
        .action(c::showHealthCheck);
    show.word("checker", "whether the checker suspects its own probes").action(c::showChecker);
  }

  private void showChecker(Invocation inv) throws Exception {
    var s =
        session
            .stub()
            .getCheckerSuspicion(
                ch.ipng.maglev.proto.GetCheckerSuspicionRequest.getDefaultInstance());
    if (json(session, s)) {
      return;
    }
    out().fields(suspicionFields(s, nowNanos()));
  }

  /** The lines of {@code show checker} and {@code release checker}. */
  static List<String[]> suspicionFields(ch.ipng.maglev.proto.CheckerSuspicion s, long now) {
    if (!s.getSuspected()) {
      return List.<String[]>of(new String[] {"suspect", "no"});
    }
    return List.of(
        new String[] {"suspect", "yes (" + s.getCause() + ")"},
        new String[] {"since", Durations.age(s.getSinceNs(), now) + " ago"},
        new String[] {
          "evidence",
          s.getDown()
              + " of "
              + s.getWithVerdict()
              + " backends down in "
              + s.getFrontendsCount()
              + " frontends ("
              + String.join(", ", s.getFrontendsList())
              + "), "
              + s.getRanges()
              + " address ranges"
        },
        new String[] {"max lateness", Durations.millis(s.getMaxLatenessNs())},
        new String[] {"frozen", String.join(", ", s.getFrozenList())});
  }

  private Output out() {
    return session.output();
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
    if (json(session, resp)) {
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
    if (json(session, f)) {
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
    fields.add(new String[] {"on-all-down", f.getOnAllDown().isEmpty() ? "-" : f.getOnAllDown()});
    fields.add(
        new String[] {"min-healthy", f.getMinHealthy() == 0 ? "off" : f.getMinHealthy() + "%"});
    fields.add(new String[] {"mode", f.getMode().isEmpty() ? "-" : f.getMode()});
    fields.add(new String[] {"max-drain", maxDrain(f)});
    if (f.getHeldCount() > 0) {
      fields.add(
          new String[] {
            "held",
            String.join(", ", f.getHeldList())
                + " (removal budget; maglevc release frontend "
                + f.getName()
                + " drains now)"
          });
    }
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
                effective(b),
                reason(b.getReason()),
                b.getFlush() ? "yes" : "no"));
      }
    }
    out().line("");
    out().table(List.of("POOL", "BACKEND", "STATE", "WEIGHT", "EFFECTIVE", "WHY", "FLUSH"), rows);
    List<String> overrides = weightOverrides(f, Commands.nowNanos());
    if (!overrides.isEmpty()) {
      out().line("");
      overrides.forEach(out()::line);
    }
  }

  /**
   * One line per operator weight in force: "override primary/nginx0-ams: weight 40 in web/primary
   * by ops "canary" until ...".
   */
  static List<String> weightOverrides(FrontendInfo f, long nowNanos) {
    List<String> lines = new ArrayList<>();
    for (PoolInfo p : f.getPoolsList()) {
      for (PoolBackendInfo b : p.getBackendsList()) {
        if (b.hasOverride()) {
          lines.add(
              "override "
                  + p.getName()
                  + "/"
                  + b.getName()
                  + ": "
                  + OverrideText.line(b.getOverride(), nowNanos));
        }
      }
    }
    return lines;
  }

  /** The effective weight, with a slow-start ramp's target and time left: "40 → 100, 12 s left". */
  static String effective(PoolBackendInfo b) {
    if (!b.hasSlowStart() || b.getSlowStart().getTargetWeight() == 0) {
      return Integer.toString(b.getEffectiveWeight());
    }
    return b.getEffectiveWeight() + " " + ramp(b.getSlowStart());
  }

  /** A ramp's target and time left: "→ 100, 12 s left" (seconds rounded up). */
  static String ramp(SlowStartInfo r) {
    long left = r.getLeftNs();
    String when =
        left <= 0
            ? "past slow-start (churn bound)"
            : ((left + 999_999_999L) / 1_000_000_000L) + " s left";
    return "→ " + r.getTargetWeight() + ", " + when;
  }

  /** "off", or "50% per 1m0s": the removal budget. */
  static String maxDrain(FrontendInfo f) {
    if (f.getMaxDrain() == 0) {
      return "off";
    }
    return f.getMaxDrain()
        + "% per "
        + ch.ipng.maglev.common.GoDuration.format(
            java.time.Duration.ofNanos(f.getMaxDrainWindowNs()));
  }

  /** A weight reason as the user guide spells it: "configured", "kept-last"... */
  static String reason(WeightReason r) {
    if (r == WeightReason.WEIGHT_REASON_UNSPECIFIED || r == WeightReason.UNRECOGNIZED) {
      return "-";
    }
    return r.name()
        .substring("WEIGHT_REASON_".length())
        .toLowerCase(java.util.Locale.ROOT)
        .replace('_', '-');
  }

  private void showBackends(Invocation inv) throws Exception {
    var resp = session.stub().listBackends(ListBackendsRequest.getDefaultInstance());
    if (json(session, resp)) {
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
              last == null ? "-" : last.getCode() + " " + last.getDetail(),
              OverrideText.cell(b, now)));
    }
    out()
        .table(
            List.of(
                "NAME",
                "ADDRESS",
                "STATE",
                "HEALTHCHECK",
                "HEALTH",
                "SINCE",
                "LAST PROBE",
                "OVERRIDE"),
            rows);
  }

  private void showBackend(Invocation inv) throws Exception {
    BackendInfo b =
        session
            .stub()
            .getBackend(GetBackendRequest.newBuilder().setName(name(inv, Slot.BACKEND)).build());
    if (json(session, b)) {
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
    for (SlowStartInfo r : b.getSlowStartsList()) {
      fields.add(
          new String[] {"slow-start", r.getFrontend() + ": " + r.getWeight() + " " + ramp(r)});
    }
    for (var o : b.getOverridesList()) {
      fields.add(new String[] {"override", OverrideText.line(o, now)});
    }
    if (b.getTlsCertNotAfterNs() != 0) {
      long left = b.getTlsCertNotAfterNs() - now;
      fields.add(
          new String[] {
            "tls cert expires",
            Instant.ofEpochSecond(0, b.getTlsCertNotAfterNs())
                + (left > 0
                    ? " (in " + Durations.age(now, b.getTlsCertNotAfterNs()) + ")"
                    : " (expired " + Durations.age(b.getTlsCertNotAfterNs(), now) + " ago)")
          });
    }
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
    if (json(session, resp)) {
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
    if (json(session, h)) {
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
}
