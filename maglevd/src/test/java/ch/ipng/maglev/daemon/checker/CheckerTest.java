package ch.ipng.maglev.daemon.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.events.MaglevEvent;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.EffectiveWeights;
import ch.ipng.maglev.daemon.health.FrontendState;
import ch.ipng.maglev.daemon.health.Jitter;
import ch.ipng.maglev.daemon.model.FrontendStatus;
import ch.ipng.maglev.daemon.model.ModelHub;
import ch.ipng.maglev.daemon.probe.Probers;
import ch.ipng.maglev.daemon.testing.Configs;
import ch.ipng.maglev.daemon.testing.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckerTest {
  @TempDir Path dir;
  EventBus bus;
  ModelHub models;
  Checker checker;
  final List<MaglevEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
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
  }

  @AfterEach
  void stop() {
    checker.close();
  }

  /** A config with one fast check per backend, each on its own loopback port. */
  static String config(String checks, String backends, String frontends) {
    return "maglev:\n  healthchecks:\n"
        + checks.indent(4)
        + "  backends:\n"
        + backends.indent(4)
        + (frontends.isEmpty() ? "" : "  frontends:\n" + frontends.indent(4));
  }

  static String fast(String name, String type, int port, String extra) {
    return name
        + ":\n  type: "
        + type
        + (port > 0 ? "\n  port: " + port : "")
        + "\n  interval: 100ms\n  timeout: 300ms\n  rise: 2\n  fall: 2\n"
        + extra.indent(2);
  }

  /** Applies a config with one backend "b" probed by a fast HTTP check on {@code port}. */
  void applyOneBackend(int port, String backendExtra) {
    checker.apply(
        Configs.parse(
            config(
                fast("hc", "http", port, ""),
                "b: { address: 127.0.0.1, healthcheck: hc" + backendExtra + " }",
                "")));
  }

  List<MaglevEvent.BackendTransition> transitions(String backend) {
    return events.stream()
        .filter(e -> e instanceof MaglevEvent.BackendTransition t && t.backend().equals(backend))
        .map(e -> (MaglevEvent.BackendTransition) e)
        .toList();
  }

  void awaitState(String backend, BackendState state, String code) {
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              BackendStatus s = checker.backend(backend).orElseThrow();
              assertThat(s.health().state()).isEqualTo(state);
              assertThat(s.probes().get(0).code().label()).isEqualTo(code);
            });
  }

  @Test
  void everyKindOfBackend_reachesItsStateAndCode() throws Exception {
    try (var ok = TestServers.http(200, "all good");
        var err = TestServers.http(500, "");
        var body = TestServers.http(200, "degraded");
        var silent = TestServers.silent();
        var closing = TestServers.closing();
        var tls = TestServers.https(dir, 200, "ok")) {
      int closed = TestServers.closedPort();
      String checks =
          fast("ok", "http", ok.port(), "")
              + fast("err", "http", err.port(), "")
              + fast("body", "http", body.port(), "params: { response-regexp: good }")
              + fast("silent", "http", silent.port(), "")
              + fast("closing", "http", closing.port(), "")
              + fast("tlsoff", "https", tls.port(), "")
              + fast("tlson", "https", tls.port(), "params: { tls-verify: true }")
              + fast("closed", "tcp", closed, "")
              + fast("ping", "icmp", 0, "");
      StringBuilder backends = new StringBuilder();
      for (String n :
          List.of("ok", "err", "body", "silent", "closing", "tlsoff", "tlson", "closed", "ping")) {
        backends.append(n).append(": { address: 127.0.0.1, healthcheck: ").append(n).append(" }\n");
      }
      checker.apply(Configs.parse(config(checks, backends.toString(), "")));
      awaitState("ok", BackendState.UP, "L7OK");
      awaitState("err", BackendState.DOWN, "L7STS");
      awaitState("body", BackendState.DOWN, "L7RSP");
      awaitState("silent", BackendState.DOWN, "L7TOUT");
      awaitState("closing", BackendState.DOWN, "L7RSP");
      awaitState("tlsoff", BackendState.UP, "L7OK");
      awaitState("tlson", BackendState.DOWN, "L6RSP");
      awaitState("closed", BackendState.DOWN, "L4CON");
      awaitState("ping", BackendState.UP, "L3OK");
      // on a loaded machine the first probe may time out (300 ms) before the JVM is warm: only
      // the last transition is judged (awaited: the worker's state changes just before the
      // transition is announced)
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(transitions("ok"))
                      .extracting(t -> t.to() + " " + t.code())
                      .last()
                      .isEqualTo("UP L7OK"));
      // the latest probe's detail: on a cold JVM the first TLS handshakes can hold an event loop
      // past the 300 ms timeout, so the transition itself may have come from a timeout
      assertThat(checker.backend("err").orElseThrow().probes().get(0).detail())
          .isEqualTo("status 500, expected 200-399");
    }
  }

  @Test
  void upBackend_goesDownAfterFallFailures_andBackAfterRisePasses() throws Exception {
    try (var s = TestServers.http(200, "ok")) {
      applyOneBackend(s.port(), "");
      awaitState("b", BackendState.UP, "L7OK");
      await().until(() -> checker.backend("b").orElseThrow().health().counter() == 3);
      s.answer(503, "");
      awaitState("b", BackendState.DOWN, "L7STS");
      BackendStatus down = checker.backend("b").orElseThrow();
      java.time.Instant wentDown = down.transitions().get(0).time();
      // Judged up to the transition only: down probes go on at the fast interval, and more
      // failures may land before this reads the history.
      List<ch.ipng.maglev.daemon.probe.ProbeResult> probes =
          down.probes().stream().filter(p -> !p.start().isAfter(wentDown)).toList();
      // fall=2 from fully up: exactly two failures before down
      assertThat(probes.subList(0, 2)).allMatch(p -> !p.ok());
      assertThat(probes.get(2).ok()).isTrue();
      s.answer(200, "ok");
      awaitState("b", BackendState.UP, "L7OK");
      // the worker's state changes just before the transition is announced: awaited
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(transitions("b"))
                      .extracting(t -> t.from() + ">" + t.to())
                      .containsExactly("UNKNOWN>UP", "UP>DOWN", "DOWN>UP"));
    }
  }

  /**
   * That a pause stops the probes (and ignores one in flight) and a resume probes at once is proven
   * on virtual time in {@link BackendWorkerTest}; here the model, the events and a real server.
   */
  @Test
  void pausedBackend_isPublishedPaused_andComesBackUpAfterResume() throws Exception {
    try (var s = TestServers.http(200, "ok")) {
      applyOneBackend(s.port(), "");
      awaitState("b", BackendState.UP, "L7OK");
      checker.pause("b");
      assertThat(models.current().state("b")).isEqualTo(BackendState.PAUSED);

      checker.resume("b");
      assertThat(transitions("b"))
          .extracting(t -> t.from() + ">" + t.to() + " " + t.code())
          .containsSubsequence("UP>PAUSED paused", "PAUSED>UNKNOWN resumed");
      awaitState("b", BackendState.UP, "L7OK");
    }
  }

  @Test
  void disable_refusesPause_enableRestarts() throws Exception {
    try (var s = TestServers.http(200, "ok")) {
      applyOneBackend(s.port(), "");
      awaitState("b", BackendState.UP, "L7OK");
      checker.disable("b");
      assertThat(models.current().state("b")).isEqualTo(BackendState.DISABLED);
      assertThatThrownBy(() -> checker.pause("b"))
          .isInstanceOfSatisfying(
              CheckerException.class,
              e -> assertThat(e.reason()).isEqualTo(CheckerException.Reason.FAILED_PRECONDITION))
          .hasMessage("backend \"b\": cannot pause a disabled backend");
      assertThatThrownBy(() -> checker.resume("b")).isInstanceOf(CheckerException.class);
      checker.enable("b");
      awaitState("b", BackendState.UP, "L7OK");
      assertThatThrownBy(() -> checker.pause("nosuch"))
          .isInstanceOfSatisfying(
              CheckerException.class,
              e -> assertThat(e.reason()).isEqualTo(CheckerException.Reason.NOT_FOUND))
          .hasMessage("backend \"nosuch\" not found");
    }
  }

  /** That it is never probed is proven on virtual time in {@link BackendWorkerTest}. */
  @Test
  void configDisabledBackend_isPublishedDisabled() throws Exception {
    applyOneBackend(TestServers.closedPort(), ", enabled: false");
    assertThat(models.current().state("b")).isEqualTo(BackendState.DISABLED);
    assertThat(checker.backend("b").orElseThrow().probes()).isEmpty();
  }

  @Test
  void reload_keepsUnchanged_restartsChanged_removesGone() throws Exception {
    try (var a = TestServers.http(200, "ok");
        var b = TestServers.http(200, "ok");
        var c = TestServers.http(200, "ok")) {
      String checks =
          fast("ha", "http", a.port(), "")
              + fast("hb", "http", b.port(), "")
              + fast("hc", "http", c.port(), "");
      String backends =
          "a: { address: 127.0.0.1, healthcheck: ha }\n"
              + "b: { address: 127.0.0.1, healthcheck: hb }\n"
              + "c: { address: 127.0.0.1, healthcheck: hc }\n";
      checker.apply(Configs.parse(config(checks, backends, "")));
      awaitState("a", BackendState.UP, "L7OK");
      awaitState("b", BackendState.UP, "L7OK");
      awaitState("c", BackendState.UP, "L7OK");
      await().until(() -> checker.backend("a").orElseThrow().health().counter() == 3);
      // each first transition announced (just after the worker's state changed) before the reload
      await()
          .until(
              () ->
                  transitions("a").size() == 1
                      && transitions("b").size() == 1
                      && transitions("c").size() == 1);

      String changedChecks =
          fast("ha", "http", a.port(), "")
              + fast("hb", "http", b.port(), "params: { path: /other }");
      String changedBackends =
          "a: { address: 127.0.0.1, healthcheck: ha, description: renamed }\n"
              + "b: { address: 127.0.0.1, healthcheck: hb }\n";
      int aProbesBefore = a.requests();
      checker.apply(Configs.parse(config(changedChecks, changedBackends, "")));

      // a: untouched (no transition, counter kept, still probing); b: restarted; c: removed.
      assertThat(transitions("a")).hasSize(1);
      assertThat(checker.backend("a").orElseThrow().health().counter()).isEqualTo(3);
      assertThat(checker.backend("a").orElseThrow().backend().description()).isEqualTo("renamed");
      await().until(() -> a.requests() > aProbesBefore + 2);
      assertThat(transitions("b"))
          .extracting(t -> t.from() + ">" + t.to() + " " + t.code())
          .contains("UP>UNKNOWN restarted");
      awaitState("b", BackendState.UP, "L7OK");
      assertThat(transitions("c"))
          .extracting(t -> t.from() + ">" + t.to())
          .containsExactly("UNKNOWN>UP", "UP>REMOVED");
      // that a removed backend is probed no more is proven on virtual time in BackendWorkerTest
      assertThat(checker.backend("c")).isEmpty();
    }
  }

  @Test
  void aFrontendEnteringAndLeavingPanic_isLogged_warnInInfoOut() throws Exception {
    ch.qos.logback.classic.Logger log =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Checker.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
        new ch.qos.logback.core.read.ListAppender<>();
    seen.start();
    log.addAppender(seen);
    ch.qos.logback.classic.Level level = log.getLevel();
    log.setLevel(ch.qos.logback.classic.Level.INFO); // tests log at WARN
    try (var up = TestServers.http(200, "ok");
        var closed = java.nio.channels.ServerSocketChannel.open()) {
      closed.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
      int refused = ((java.net.InetSocketAddress) closed.getLocalAddress()).getPort();
      closed.close(); // nothing listens there now: b's probes are refused
      String checks = fast("ha", "http", up.port(), "") + fast("hb", "http", refused, "");
      String backends =
          "a: { address: 127.0.0.1, healthcheck: ha }\nb: { address: 127.0.0.2, healthcheck: hb }\n";
      String frontend =
          "web:\n  address: 192.0.2.1\n  protocol: tcp\n  port: 80\n%s  pools:\n"
              + "    - { name: main, backends: { a: {}, b: {} } }\n";
      checker.apply(
          Configs.parse(config(checks, backends, frontend.formatted("  min-healthy: 100\n"))));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> models.current().frontendMode("web") == EffectiveWeights.Mode.PANIC);
      checker.apply(Configs.parse(config(checks, backends, frontend.formatted(""))));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> models.current().frontendMode("web") == EffectiveWeights.Mode.NORMAL);
      // the checker logs after it publishes the model: wait for the line, not just the model
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(modeLines(seen))
                      .containsExactly(
                          "WARN frontend=web from=normal to=panic",
                          "INFO frontend=web from=panic to=normal"));
    } finally {
      log.setLevel(level);
      log.detachAppender(seen);
    }
  }

  private static List<String> modeLines(
      ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen) {
    return List.copyOf(seen.list).stream()
        .filter(e -> e.getMessage().equals("frontend-mode"))
        .map(
            e ->
                e.getLevel()
                    + " "
                    + e.getKeyValuePairs().stream()
                        .map(kv -> kv.key + "=" + kv.value)
                        .collect(java.util.stream.Collectors.joining(" ")))
        .toList();
  }

  @Test
  void frontends_followBackends_withoutDuplicateEvents() throws Exception {
    try (var p = TestServers.http(200, "ok");
        var f = TestServers.http(java.net.InetAddress.getByName("127.0.0.2"), 0, 200, "ok")) {
      String checks = fast("hp", "http", p.port(), "") + fast("hf", "http", f.port(), "");
      String backends =
          "primary: { address: 127.0.0.1, healthcheck: hp }\n"
              + "fallback: { address: 127.0.0.2, healthcheck: hf }\n";
      String frontends =
          "web:\n  address: 192.0.2.1\n  protocol: tcp\n  port: 80\n  pools:\n"
              + "    - { name: main, backends: { primary: { weight: 60 } } }\n"
              + "    - { name: spare, backends: { fallback: {} } }\n";
      Config config = Configs.parse(config(checks, backends, frontends));
      checker.apply(config);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  models.current().state("fallback") == BackendState.UP
                      && models.current().frontend("web").orElseThrow().view().activePool() == 0);
      FrontendStatus web = models.current().frontend("web").orElseThrow();
      assertThat(web.view().state()).isEqualTo(FrontendState.UP);
      assertThat(web.view().pools().get(0).get("primary").weight()).isEqualTo(60);
      assertThat(web.view().pools().get(1).get("fallback").weight()).isZero();

      checker.pause("primary");
      FrontendStatus drained = models.current().frontend("web").orElseThrow();
      assertThat(drained.view().activePool()).isEqualTo(1);
      assertThat(drained.view().pools().get(1).get("fallback").weight()).isEqualTo(100);

      checker.setWeight("web", "spare", "fallback", 7);
      assertThat(
              models
                  .current()
                  .frontend("web")
                  .orElseThrow()
                  .view()
                  .pools()
                  .get(1)
                  .get("fallback")
                  .weight())
          .isEqualTo(7);
      assertThatThrownBy(() -> checker.setWeight("web", "spare", "fallback", 101))
          .hasMessage("weight: 101 (expected: 0-100)");
      assertThatThrownBy(() -> checker.setWeight("web", "nope", "fallback", 1))
          .hasMessage("pool \"nope\" not found in frontend \"web\"");

      checker.pause("fallback");
      assertThat(models.current().frontend("web").orElseThrow().view().state())
          .isEqualTo(FrontendState.DOWN);
      List<String> frontendEvents =
          events.stream()
              .filter(e -> e instanceof MaglevEvent.FrontendTransition)
              .map(e -> (MaglevEvent.FrontendTransition) e)
              .map(t -> t.from() + ">" + t.to())
              .toList();
      // a first probe may time out on a loaded machine (UNKNOWN>DOWN>UP): judged are the chain
      // (each event starts where the last ended, never from a state to itself) and its end
      assertThat(frontendEvents).endsWith("UP>DOWN");
      assertThat(frontendEvents.get(0)).startsWith("UNKNOWN>");
      for (int i = 0; i < frontendEvents.size(); i++) {
        String[] e = frontendEvents.get(i).split(">", -1);
        assertThat(e[0]).isNotEqualTo(e[1]);
        if (i > 0) {
          assertThat(e[0]).isEqualTo(frontendEvents.get(i - 1).split(">", -1)[1]);
        }
      }
    }
  }
}
