package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.api.VppException;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Desired → plan → writes, for one VPP connection. It keeps what it believes VPP holds, so a
 * per-frontend sync plans without reading VPP; a full sync reads VPP back first. Not thread-safe:
 * it lives on the dataplane thread ({@code owner}), and answers that arrive elsewhere hand their
 * bookkeeping back to it.
 */
final class Reconciler {
  private static final Logger logger = LoggerFactory.getLogger(Reconciler.class);
  private static final String[] KINDS = {
    "vip_added", "vip_removed", "as_added", "as_removed", "as_weight_updated"
  };

  /** Whether a sync waits for VPP's answers or lets the dataplane thread move on. */
  enum Answers {
    /** Wait, and count only accepted writes in the result. */
    AWAIT,
    /** Return at once ({@link SyncResult#NONE}); answers are logged when they arrive. */
    REPORT_LATER
  }

  private final LbApi lb;
  private final Executor owner;
  private final DataplaneObserver observer;
  private final Clock clock;
  private final Map<VipKey, Plan.ActualVip> believed = new LinkedHashMap<>();
  private final Set<Plan.AsKey> flushed = new HashSet<>();

  Reconciler(LbApi lb, Executor owner, DataplaneObserver observer, Clock clock) {
    this.lb = lb;
    this.owner = owner;
    this.observer = observer;
    this.clock = clock;
  }

  /** What maglevd believes VPP holds for one VIP. */
  Plan.@Nullable ActualVip believed(VipKey vip) {
    return believed.get(vip);
  }

  /**
   * Reads VPP back, then writes what brings it to {@code desired}, and waits for the answers.
   *
   * @param deleteStrays whether VIPs nothing desires are deleted (once warm, or an operator asked)
   */
  SyncResult fullSync(List<DesiredVip> desired, boolean deleteStrays, SyncTrigger trigger) {
    Map<VipKey, Plan.ActualVip> actual = LbReadBack.actual(lb);
    believed.clear();
    believed.putAll(actual);
    List<Plan.Op> ops = Plan.of(desired, List.copyOf(actual.values()), deleteStrays, flushed, null);
    return execute(ops, SyncScope.ALL, trigger, Map.of(), Answers.AWAIT);
  }

  /**
   * Writes what brings the given VIPs to {@code desired}, planned against the believed state.
   *
   * @param forceFlush an AS whose weight call flushes even when nothing else changed
   * @param since per VIP, the transition that asked for it (latency in the log)
   */
  SyncResult sync(
      List<DesiredVip> desired,
      Plan.@Nullable AsKey forceFlush,
      SyncTrigger trigger,
      Map<VipKey, Instant> since,
      Answers answers) {
    List<Plan.ActualVip> actual = new ArrayList<>();
    for (DesiredVip d : desired) {
      Plan.ActualVip a = believed.get(d.key());
      if (a != null) {
        actual.add(a);
      }
    }
    List<Plan.Op> ops = Plan.of(desired, actual, false, flushed, forceFlush);
    return execute(ops, SyncScope.VIP, trigger, since, answers);
  }

  /**
   * Writes the ops pipelined, in order. The believed state follows the plan at once, so the next
   * plan builds on it without waiting for VPP; an op VPP refuses is logged and its VIP forgotten,
   * so the next full sync reads it again.
   */
  private SyncResult execute(
      List<Plan.Op> ops,
      SyncScope scope,
      SyncTrigger trigger,
      Map<VipKey, Instant> since,
      Answers answers) {
    if (ops.isEmpty()) {
      return SyncResult.NONE;
    }
    Batch batch = new Batch(ops, scope, trigger, since, System.nanoTime(), clock.instant());
    for (int i = 0; i < ops.size(); i++) {
      int index = i;
      batch.futures.add(
          send(ops.get(i)).whenComplete((r, e) -> batch.answered[index] = clock.instant()));
      apply(ops.get(i));
    }
    if (answers == Answers.AWAIT) {
      return report(batch, this::undo);
    }
    var unused =
        CompletableFuture.allOf(batch.futures.toArray(CompletableFuture[]::new))
            .whenComplete(
                (r, e) -> {
                  // logged on the thread VPP's answers arrive on; the bookkeeping goes back home
                  report(batch, op -> owner.execute(() -> undo(op)));
                });
    return SyncResult.NONE;
  }

  /** One batch of writes in flight. */
  private static final class Batch {
    final List<Plan.Op> ops;
    final SyncScope scope;
    final SyncTrigger trigger;
    final Map<VipKey, Instant> since;
    final long startNanos;
    final Instant issued;
    final List<CompletableFuture<Void>> futures;
    final Instant[] answered;

    Batch(
        List<Plan.Op> ops,
        SyncScope scope,
        SyncTrigger trigger,
        Map<VipKey, Instant> since,
        long startNanos,
        Instant issued) {
      this.ops = ops;
      this.scope = scope;
      this.trigger = trigger;
      this.since = since;
      this.startNanos = startNanos;
      this.issued = issued;
      this.futures = new ArrayList<>(ops.size());
      this.answered = new Instant[ops.size()];
    }
  }

  private CompletableFuture<Void> send(Plan.Op op) {
    return switch (op) {
      case Plan.AddVip v -> lb.addVip(v.vip(), v.encap(), DesiredVip.TABLE_LENGTH, v.srcIpSticky());
      case Plan.DelVip v -> lb.delVip(v.vip());
      case Plan.AddAs a -> lb.addAs(a.vip(), a.address(), a.weight());
      case Plan.DelAs a -> lb.delAs(a.vip(), a.address());
      case Plan.SetWeight w -> lb.setWeight(w.vip(), w.address(), w.weight(), w.flush());
    };
  }

  /** Logs every answer and counts the accepted writes; {@code refused} undoes a refused op. */
  private SyncResult report(Batch b, java.util.function.Consumer<Plan.Op> refused) {
    int[] kinds = new int[KINDS.length];
    for (int i = 0; i < b.ops.size(); i++) {
      Plan.Op op = b.ops.get(i);
      try {
        VppConnection.await(b.futures.get(i));
      } catch (VppException e) {
        logger
            .atWarn()
            .setMessage("vpp-lb-sync-failed")
            .addKeyValue("scope", b.scope.label())
            .addKeyValue("op", describe(op))
            .addKeyValue("error", e.getMessage())
            .log();
        refused.accept(op);
        continue;
      }
      kinds[kind(op)]++;
      var record =
          logger
              .atInfo()
              .setMessage("vpp-lb-sync")
              .addKeyValue("scope", b.scope.label())
              .addKeyValue("trigger", b.trigger.label())
              .addKeyValue("op", describe(op));
      Instant transition = b.since.get(op.vip());
      if (transition != null && b.answered[i] != null) {
        // from the recorded transition to sending the write, and to VPP's answer to it
        record =
            record
                .addKeyValue("sent_us", Duration.between(transition, b.issued).toNanos() / 1000)
                .addKeyValue(
                    "latency_us", Duration.between(transition, b.answered[i]).toNanos() / 1000);
      }
      record.log();
    }
    for (int k = 0; k < kinds.length; k++) {
      if (kinds[k] > 0) {
        observer.lbSync(b.scope, KINDS[k], kinds[k]);
      }
    }
    logger
        .atInfo()
        .setMessage("vpp-lb-sync-done")
        .addKeyValue("scope", b.scope.label())
        .addKeyValue("trigger", b.trigger.label())
        .addKeyValue("writes", b.ops.size())
        .addKeyValue("duration_ms", (System.nanoTime() - b.startNanos) / 1_000_000)
        .log();
    return new SyncResult(kinds[0], kinds[1], kinds[2], kinds[3], kinds[4]);
  }

  /** A write VPP refused: what it holds for that VIP is unknown now. */
  private void undo(Plan.Op op) {
    believed.remove(op.vip());
    if (op instanceof Plan.SetWeight w) {
      flushed.remove(new Plan.AsKey(w.vip(), w.address()));
    }
  }

  private static int kind(Plan.Op op) {
    return switch (op) {
      case Plan.AddVip v -> 0;
      case Plan.DelVip v -> 1;
      case Plan.AddAs a -> 2;
      case Plan.DelAs a -> 3;
      case Plan.SetWeight w -> 4;
    };
  }

  static String describe(Plan.Op op) {
    return switch (op) {
      case Plan.AddVip v ->
          "add vip " + v.vip() + " " + v.encap() + (v.srcIpSticky() ? " src-ip-sticky" : "");
      case Plan.DelVip v -> "del vip " + v.vip();
      case Plan.AddAs a ->
          "add as " + a.address().getHostAddress() + " weight " + a.weight() + " to " + a.vip();
      case Plan.DelAs a -> "del as " + a.address().getHostAddress() + " flush from " + a.vip();
      case Plan.SetWeight w ->
          "set weight "
              + w.address().getHostAddress()
              + " "
              + w.weight()
              + (w.flush() ? " flush" : "")
              + " on "
              + w.vip();
    };
  }

  /** The believed state after an op is sent. */
  private void apply(Plan.Op op) {
    switch (op) {
      case Plan.AddVip v ->
          believed.put(v.vip(), new Plan.ActualVip(v.vip(), v.encap(), v.srcIpSticky(), List.of()));
      case Plan.DelVip v -> believed.remove(v.vip());
      case Plan.AddAs a -> {
        replaceAs(a.vip(), a.address(), new Plan.ActualAs(a.address(), a.weight(), true));
        // an AS added at weight 0 has no flows of its own: there is nothing left to flush
        markFlushed(new Plan.AsKey(a.vip(), a.address()), a.weight() == 0);
      }
      case Plan.DelAs a -> {
        replaceAs(a.vip(), a.address(), null);
        flushed.remove(new Plan.AsKey(a.vip(), a.address()));
      }
      case Plan.SetWeight w -> {
        replaceAs(w.vip(), w.address(), new Plan.ActualAs(w.address(), w.weight(), true));
        markFlushed(new Plan.AsKey(w.vip(), w.address()), w.weight() == 0 && w.flush());
      }
    }
  }

  private void markFlushed(Plan.AsKey key, boolean done) {
    if (done) {
      flushed.add(key);
    } else {
      flushed.remove(key);
    }
  }

  private void replaceAs(VipKey vip, InetAddress address, Plan.@Nullable ActualAs as) {
    Plan.ActualVip v = believed.get(vip);
    if (v == null) {
      return;
    }
    List<Plan.ActualAs> ases = new ArrayList<>();
    for (Plan.ActualAs a : v.ases()) {
      if (!a.address().equals(address)) {
        ases.add(a);
      }
    }
    if (as != null) {
      ases.add(as);
    }
    believed.put(vip, new Plan.ActualVip(vip, v.encap(), v.srcIpSticky(), ases));
  }
}
