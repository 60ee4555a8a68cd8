package ch.ipng.maglev.daemon.override;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.ipng.maglev.daemon.checker.Checker;
import ch.ipng.maglev.daemon.checker.CheckerException;
import ch.ipng.maglev.daemon.checker.ManualScheduler;
import ch.ipng.maglev.daemon.checker.ProbeListener;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.events.MaglevEvent;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.Jitter;
import ch.ipng.maglev.daemon.model.ModelHub;
import ch.ipng.maglev.daemon.model.WeightKey;
import ch.ipng.maglev.daemon.probe.Probers;
import ch.ipng.maglev.daemon.testing.Configs;
import ch.ipng.maglev.daemon.testing.TestServers;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Overrides through a real checker and live model, on a clock the test moves: who, why, until;
 * expiry reverts with an event; every change is saved before the call returns.
 */
class OverridesTest {
  static final Instant T0 = Instant.parse("2026-12-06T16:00:00Z");

  /** A clock the test moves. */
  static final class MovingClock extends Clock {
    volatile Instant now = T0;
    volatile boolean failNext;
    volatile Duration stepPerRead = Duration.ZERO;

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      if (failNext) {
        failNext = false;
        throw new IllegalStateException("clock broke once");
      }
      Instant t = now;
      now = t.plus(stepPerRead);
      return t;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  final MovingClock clock = new MovingClock();
  final List<MaglevEvent> events = new CopyOnWriteArrayList<>();
  final List<List<OperatorOverride>> saved = new CopyOnWriteArrayList<>();
  final List<String> synced = new CopyOnWriteArrayList<>();
  final AtomicBoolean storeFails = new AtomicBoolean();
  EventBus bus;
  ModelHub models;
  Checker checker;
  Overrides overrides;
  int closedPort;

  @BeforeEach
  void start() throws IOException {
    bus = EventBus.create();
    bus.listen(events::add);
    models = ModelHub.create();
    checker =
        Checker.of(
            bus,
            Jitter.of(new SplittableRandom(1)),
            ProbeListener.NONE,
            ns -> Probers.of(ns, "test"),
            models);
    closedPort = TestServers.closedPort();
    checker.apply(Configs.parse(config(false)));
    overrides =
        Overrides.of(
            checker,
            models,
            bus,
            clock,
            (list, now) -> {
              if (storeFails.get()) {
                throw new IOException("No space left on device");
              }
              saved.add(list);
            },
            "/var/lib/vpp-maglev/state.json",
            synced::add);
  }

  @AfterEach
  void stop() {
    checker.close();
  }

  String config(boolean cEnabled) {
    return "maglev:\n  healthchecks:\n    hc: { type: tcp, port: "
        + closedPort
        + ", interval: 1h }\n  backends:\n"
        + "    a: { address: 127.0.0.1, healthcheck: hc }\n"
        + "    b: { address: 127.0.0.2, healthcheck: hc }\n"
        + "    c: { address: 127.0.0.3, healthcheck: hc, enabled: "
        + cEnabled
        + " }\n"
        + "  frontends:\n    web:\n      address: 192.0.2.1\n      protocol: tcp\n      port: 80\n"
        + "      pools:\n        - { name: primary, backends: { a: {}, b: { weight: 50 } } }\n";
  }

  static Overrides.Request req(String reason, Duration ttl) {
    return new Overrides.Request("peer 192.0.2.9:4242", reason, ttl);
  }

  BackendState state(String b) {
    return checker.backend(b).orElseThrow().health().state();
  }

  List<MaglevEvent.OverrideChanged> overrideEvents() {
    List<MaglevEvent.OverrideChanged> out = new ArrayList<>();
    events.forEach(
        e -> {
          if (e instanceof MaglevEvent.OverrideChanged o) {
            out.add(o);
          }
        });
    return out;
  }

  @Test
  void pauseWithTtl_recordsWhoWhyUntil_savesIt_andExpiresAtUntil() throws Exception {
    overrides.pause("a", req("kernel upgrade", Duration.ofHours(2)));

    assertThat(state("a")).isEqualTo(BackendState.PAUSED);
    OperatorOverride o = overrides.book().get(OperatorOverride.Key.pause("a")).orElseThrow();
    assertThat(o.actor()).isEqualTo("peer 192.0.2.9:4242");
    assertThat(o.reason()).isEqualTo("kernel upgrade");
    assertThat(o.since()).isEqualTo(T0);
    assertThat(o.until()).isEqualTo(T0.plus(Duration.ofHours(2)));
    assertThat(saved.getLast()).containsExactly(o);
    // since and until come from one reading of the clock, however it moves meanwhile
    clock.stepPerRead = Duration.ofMillis(1);
    overrides.pause("b", req("", Duration.ofMinutes(1)));
    clock.stepPerRead = Duration.ZERO;
    OperatorOverride ob = overrides.book().get(OperatorOverride.Key.pause("b")).orElseThrow();
    assertThat(Duration.between(ob.since(), ob.until())).isEqualTo(Duration.ofMinutes(1));
    overrides.resume("b", req("", null));
    clock.now = T0;
    assertThat(checker.backend("a").orElseThrow().transitions().get(0).detail())
        .isEqualTo("operator pause by peer 192.0.2.9:4242: kernel upgrade (for 2h)");

    clock.advance(Duration.ofHours(2).minusNanos(1));
    assertThat(overrides.expire()).isZero();
    assertThat(state("a")).isEqualTo(BackendState.PAUSED);

    clock.advance(Duration.ofNanos(1));
    assertThat(overrides.expire()).isEqualTo(1);
    assertThat(state("a")).isIn(BackendState.UNKNOWN, BackendState.DOWN); // probing again
    assertThat(overrides.book().isEmpty()).isTrue();
    assertThat(saved.getLast()).isEmpty();
    assertThat(checker.backend("a").orElseThrow().transitions())
        .anySatisfy(
            t -> {
              assertThat(t.from()).isEqualTo(BackendState.PAUSED);
              assertThat(t.detail())
                  .isEqualTo("override expired: pause by peer 192.0.2.9:4242 (kernel upgrade)");
            });
    assertThat(overrideEvents())
        .extracting(MaglevEvent.OverrideChanged::action)
        .containsExactly("set", "set", "cleared", "expired");
  }

  @Test
  void weightWithTtl_revertsToTheConfigWeight_andSyncsItsFrontend() throws Exception {
    overrides.setWeight("web", "primary", "b", 5, req("draining", Duration.ofMinutes(10)));
    WeightKey k = new WeightKey("web", "primary", "b");
    assertThat(models.current().overrides()).containsEntry(k, 5);

    clock.advance(Duration.ofMinutes(10));
    assertThat(overrides.expire()).isEqualTo(1);

    assertThat(models.current().overrides()).doesNotContainKey(k);
    assertThat(models.current().frontend("web").orElseThrow().weights().get(0).get("b"))
        .isEqualTo(50);
    assertThat(synced).containsExactly("web");
    assertThat(saved.getLast()).isEmpty();
  }

  @Test
  void resume_clearsThePause_andRefusesATtl() throws Exception {
    overrides.pause("a", req("", null));
    assertThatThrownBy(() -> overrides.resume("a", req("", Duration.ofMinutes(1))))
        .isInstanceOf(CheckerException.class)
        .hasMessageContaining("ttl: PT1M (expected: none: a resume ends the pause)");
    overrides.resume("a", req("done", null));
    assertThat(overrides.book().isEmpty()).isTrue();
    assertThat(overrideEvents())
        .extracting(MaglevEvent.OverrideChanged::action)
        .containsExactly("set", "cleared");
  }

  @Test
  void enableOfAConfigDisabledBackend_isAnOverride_thatExpiresBackToDisabled() throws Exception {
    assertThat(state("c")).isEqualTo(BackendState.DISABLED);
    overrides.enable("c", req("testing", Duration.ofMinutes(5)));
    // enabled: probing restarts from unknown, and its first probe may already have answered
    assertThat(state("c")).isNotEqualTo(BackendState.DISABLED);
    assertThat(overrides.book().all())
        .extracting(OperatorOverride::kind)
        .containsExactly(OperatorOverride.Kind.ENABLE);

    clock.advance(Duration.ofMinutes(5));
    overrides.expire();
    assertThat(state("c")).isEqualTo(BackendState.DISABLED);
    assertThat(overrides.book().isEmpty()).isTrue();
  }

  @Test
  void disableThenExpiry_enablesAgain_andAPauseUnderneathIsDropped() throws Exception {
    overrides.pause("a", req("first", null));
    overrides.disable("a", req("broken disk", Duration.ofHours(1)));
    assertThat(state("a")).isEqualTo(BackendState.DISABLED);
    // the pause no longer holds: a disabled backend is not paused
    assertThat(overrides.book().all())
        .extracting(OperatorOverride::kind)
        .containsExactly(OperatorOverride.Kind.DISABLE);
    clock.advance(Duration.ofHours(1));
    overrides.expire();
    assertThat(state("a")).isIn(BackendState.UNKNOWN, BackendState.DOWN); // probing again
  }

  @Test
  void aReason_orTtl_outOfBounds_isRefusedNamingIt_andChangesNothing() {
    assertThatThrownBy(() -> overrides.pause("a", req("x".repeat(513), null)))
        .hasMessage("reason: 513 characters (expected: at most 512)");
    assertThatThrownBy(() -> overrides.pause("a", req("two\nlines", null)))
        .hasMessage("reason: contains a control character (expected: one line of text)");
    assertThatThrownBy(() -> overrides.pause("a", req("", Duration.ofDays(400))))
        .hasMessageContaining("ttl: PT9600H (expected: 0 for none, or up to 366 days)");
    assertThatThrownBy(() -> overrides.pause("nope", req("", null)))
        .hasMessage("backend \"nope\" not found");
    assertThat(state("a")).isNotEqualTo(BackendState.PAUSED);
    assertThat(saved).isEmpty();
  }

  @Test
  void aStoreThatFails_failsTheCall_butTheChangeIsInForce() {
    storeFails.set(true);
    assertThatThrownBy(() -> overrides.pause("a", req("", null)))
        .isInstanceOf(Overrides.NotPersistedException.class)
        .hasMessageContaining("/var/lib/vpp-maglev/state.json")
        .hasMessageContaining("No space left on device");
    assertThat(state("a")).isEqualTo(BackendState.PAUSED);
  }

  @Test
  void restore_appliesWhatHolds_dropsTheGoneAndTheExpired() {
    List<OperatorOverride> file =
        List.of(
            OperatorOverride.lifecycle(
                "a",
                OperatorOverride.Kind.PAUSE,
                "peer 10.0.0.1:1",
                "kernel",
                T0.minusSeconds(60),
                T0.plusSeconds(60)),
            OperatorOverride.lifecycle(
                "b",
                OperatorOverride.Kind.PAUSE,
                "peer 10.0.0.1:1",
                "old",
                T0.minusSeconds(120),
                T0.minusSeconds(1)),
            OperatorOverride.lifecycle(
                "gone", OperatorOverride.Kind.PAUSE, "x", "", T0.minusSeconds(5), null),
            OperatorOverride.weight(
                new WeightKey("web", "primary", "b"), 7, "x", "", T0.minusSeconds(5), null),
            OperatorOverride.weight(
                new WeightKey("web", "nopool", "b"), 7, "x", "", T0.minusSeconds(5), null));
    overrides.restore(file);

    assertThat(state("a")).isEqualTo(BackendState.PAUSED);
    assertThat(state("b")).isNotEqualTo(BackendState.PAUSED);
    assertThat(models.current().overrides()).containsEntry(new WeightKey("web", "primary", "b"), 7);
    assertThat(overrides.book().all())
        .extracting(OperatorOverride::describe)
        .containsExactly("pause of a", "weight 7 of web/primary/b");
    assertThat(overrides.book().get(OperatorOverride.Key.pause("a")).orElseThrow().actor())
        .isEqualTo("peer 10.0.0.1:1");
    assertThat(saved.getLast()).hasSize(2);
  }

  @Test
  void aReloadThatRemovesABackend_dropsItsOverrides() throws Exception {
    overrides.disable("a", req("", null));
    overrides.enable("c", req("", null));
    checker.apply(Configs.parse(config(true))); // c enabled by the config now
    overrides.reconciled();
    assertThat(overrides.book().all())
        .extracting(OperatorOverride::describe)
        .containsExactly("disable of a");
    assertThat(saved.getLast()).hasSize(1);
  }

  @Test
  void theExpiryLoop_revertsOnItsSchedule_andSurvivesAFailedRun() throws Exception {
    ManualScheduler scheduler = new ManualScheduler(0);
    try (ExpiryLoop loop = ExpiryLoop.of(overrides, scheduler, Duration.ofSeconds(1)).start()) {
      overrides.pause("a", req("", Duration.ofSeconds(3)));
      clock.failNext = true;
      clock.advance(Duration.ofSeconds(3));
      scheduler.advance(Duration.ofSeconds(1)); // this run fails on the clock
      assertThat(state("a")).isEqualTo(BackendState.PAUSED);
      assertThat(loop.state()).isEqualTo(ExpiryLoop.State.RUNNING);
      scheduler.advance(Duration.ofSeconds(1)); // the next one reverts
      assertThat(state("a")).isIn(BackendState.UNKNOWN, BackendState.DOWN);
      loop.close();
      assertThat(loop.state()).isEqualTo(ExpiryLoop.State.CLOSED);
    }
  }
}
