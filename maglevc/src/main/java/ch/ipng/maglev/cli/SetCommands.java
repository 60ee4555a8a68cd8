package ch.ipng.maglev.cli;

import static ch.ipng.maglev.cli.Commands.json;
import static ch.ipng.maglev.cli.Commands.name;

import ch.ipng.maglev.cli.tree.Invocation;
import ch.ipng.maglev.cli.tree.Node;
import ch.ipng.maglev.cli.tree.Node.Slot;
import ch.ipng.maglev.proto.BackendInfo;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.PoolBackendInfo;
import ch.ipng.maglev.proto.PoolInfo;
import ch.ipng.maglev.proto.PreviewWeightAS;
import ch.ipng.maglev.proto.PreviewWeightRequest;
import ch.ipng.maglev.proto.PreviewWeightResponse;
import ch.ipng.maglev.proto.SetWeightRequest;
import java.util.ArrayList;
import java.util.List;

/** {@code set}: a backend's lifecycle and a pool backend's weight, or a dry run of the weight. */
final class SetCommands {
  private final Session session;

  private SetCommands(Session session) {
    this.session = session;
  }

  /** Adds {@code set} under {@code root}. */
  static void addTo(Node root, Session session) {
    SetCommands c = new SetCommands(session);
    Node set = root.word("set", "change runtime state");
    Node backend = set.word("backend", "a backend's lifecycle").slot(Slot.BACKEND, "backend name");
    overridable(backend.word("pause", "stop probing; weight 0, flows kept").action(c::lifecycle));
    because(backend.word("resume", "probe again, from unknown").action(c::lifecycle).options());
    overridable(backend.word("enable", "re-enable a disabled backend").action(c::lifecycle));
    overridable(backend.word("disable", "disable: weight 0, flows flushed").action(c::lifecycle));
    Node weight =
        set.word("frontend", "a frontend's pool weights")
            .slot(Slot.FRONTEND, "frontend name")
            .word("pool", "pool")
            .slot(Slot.POOL, "pool name")
            .word("backend", "backend")
            .slot(Slot.BACKEND, "backend name")
            .word("weight", "new weight")
            .slot(Slot.WEIGHT, "weight 0-100")
            .action(c::weight);
    Node release = root.word("release", "lift a hold maglevd put on weights");
    release
        .word("checker", "the checker's self-suspicion: believe its probes again")
        .action(c::releaseChecker);
    release
        .word("frontend", "a frontend's removal budget: drain the backends it holds")
        .slot(Slot.FRONTEND, "frontend name")
        .action(c::releaseFrontend);
    release
        .word("frontends", "every frontend's removal budget: drain all held backends")
        .action(c::releaseFrontend);
    weight.word("dry-run", "show the buckets that would move; change nothing");
    weight.word("flush", "also flush the backend's existing flows");
    overridable(weight);
  }

  /** Adds "reason <text>" and "for <duration>", in any order, to an override's command. */
  private static void overridable(Node n) {
    because(n.options());
    n.word("for", "revert by itself after this long")
        .slot(Slot.DURATION, "duration, e.g. 30m, 2h, 1h30m");
  }

  private static void because(Node n) {
    n.word("reason", "why, shown with the override (quote it: \"kernel upgrade\")")
        .slot(Slot.TEXT, "reason text");
  }

  /** Whether {@code word} was typed as a keyword, not only as a slot's value (a reason). */
  static boolean keyword(Invocation inv, String word) {
    long asKeyword = inv.keywords().stream().filter(word::equals).count();
    long asValue = inv.values().stream().filter(e -> e.getValue().equals(word)).count();
    return asKeyword > asValue;
  }

  /** The reason given, or "". */
  static String reason(Invocation inv) {
    if (keyword(inv, "reason") && inv.value(Slot.TEXT).isEmpty()) {
      throw new Commands.CommandFailure("reason: no text (expected: reason \"some text\")");
    }
    return inv.value(Slot.TEXT).orElse("");
  }

  /** The ttl given ("for 2h"), in nanoseconds; 0 for none. */
  static long ttlNanos(Invocation inv) {
    if (keyword(inv, "for") && inv.value(Slot.DURATION).isEmpty()) {
      // "for reason x": another option came where the duration should be
      throw new Commands.CommandFailure("for: no duration (expected: for 30m, for 2h)");
    }
    return inv.value(Slot.DURATION)
        .map(d -> ch.ipng.maglev.common.GoDuration.parse(d).toNanos())
        .orElse(0L);
  }

  private void weight(Invocation inv) throws Exception {
    if (keyword(inv, "dry-run")) {
      previewWeight(inv);
    } else {
      setWeight(inv);
    }
  }

  private Output out() {
    return session.output();
  }

  private void releaseChecker(Invocation inv) throws Exception {
    var s =
        session
            .stub()
            .releaseCheckerSuspicion(
                ch.ipng.maglev.proto.ReleaseCheckerSuspicionRequest.getDefaultInstance());
    if (json(session, s)) {
      return;
    }
    out()
        .line(
            s.getSuspected()
                ? "checker suspicion released: " + s.getFrozenCount() + " frozen backends believed"
                : "the checker suspected nothing");
  }

  /** {@code release frontend NAME} or {@code release frontends}: drain what the budget holds. */
  private void releaseFrontend(Invocation inv) throws Exception {
    var req = ch.ipng.maglev.proto.ReleaseDrainHoldRequest.newBuilder();
    if (inv.has("frontends")) {
      req.setAll(true);
    } else {
      req.setFrontend(name(inv, Slot.FRONTEND));
    }
    var r = session.stub().releaseDrainHold(req.build());
    if (json(session, r)) {
      return;
    }
    if (r.getReleasedCount() == 0) {
      out()
          .line(
              inv.has("frontends")
                  ? "no frontend held a backend"
                  : "frontend " + req.getFrontend() + " held no backend");
      return;
    }
    for (var f : r.getReleasedList()) {
      out()
          .line(
              "frontend "
                  + f.getFrontend()
                  + ": released "
                  + String.join(", ", f.getBackendsList())
                  + " (drained now)");
    }
  }

  private void lifecycle(Invocation inv) throws Exception {
    String name = name(inv, Slot.BACKEND);
    BackendRequest req =
        BackendRequest.newBuilder()
            .setName(name)
            .setReason(reason(inv))
            .setTtlNs(ttlNanos(inv))
            .build();
    var stub = session.stub();
    BackendInfo b;
    // the verb follows "set backend <name>" (a reason may repeat a verb)
    String verb = inv.keywords().get(3);
    switch (verb) {
      case "pause" -> b = stub.pauseBackend(req);
      case "resume" -> b = stub.resumeBackend(req);
      case "enable" -> b = stub.enableBackend(req);
      default -> b = stub.disableBackend(req);
    }
    if (json(session, b)) {
      return;
    }
    out().line("backend " + b.getName() + ": " + b.getState() + OverrideText.suffix(b, nowNanos()));
  }

  private static long nowNanos() {
    java.time.Instant t = java.time.Instant.now();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private void setWeight(Invocation inv) throws Exception {
    SetWeightRequest req =
        SetWeightRequest.newBuilder()
            .setFrontend(name(inv, Slot.FRONTEND))
            .setPool(name(inv, Slot.POOL))
            .setBackend(name(inv, Slot.BACKEND))
            .setWeight(Integer.parseInt(name(inv, Slot.WEIGHT)))
            .setFlush(keyword(inv, "flush"))
            .setReason(reason(inv))
            .setTtlNs(ttlNanos(inv))
            .build();
    FrontendInfo f = session.stub().setFrontendPoolBackendWeight(req);
    if (json(session, f)) {
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
    if (json(session, p)) {
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
}
