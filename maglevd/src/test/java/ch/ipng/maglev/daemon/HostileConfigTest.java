package ch.ipng.maglev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.config.ConfigLoader;
import ch.ipng.maglev.daemon.checker.Checker;
import ch.ipng.maglev.daemon.checker.ProbeListener;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.grpc.ConfigCommands.Outcome;
import ch.ipng.maglev.daemon.health.Jitter;
import ch.ipng.maglev.daemon.model.ModelHub;
import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.TestServers;
import ch.ipng.maglev.proto.ListBackendsRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.ReloadConfigRequest;
import ch.ipng.maglev.proto.ReloadConfigResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile config files on reload and --check: refused quickly with a one-line reason, the running
 * config kept, no stack trace; and a reload that fails in an unexpected way is a failed outcome.
 */
class HostileConfigTest {
  private static final String REFUSED = "maglev_config_reloads_total{result=\"refused\"}";
  private static final String OK = "maglev_config_reloads_total{result=\"ok\"}";

  @TempDir Path dir;

  private static void writeDeep(Path file) throws IOException {
    Files.writeString(file, "maglev: " + "[".repeat(100_000) + "\n");
  }

  private static void writeFiftyMegabyteValue(Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(
          "maglev:\n  backends:\n    a:\n      description: ".getBytes(StandardCharsets.UTF_8));
      byte[] chunk = "x".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 50; i++) {
        out.write(chunk);
      }
      out.write('\n');
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void sighupAndReloadConfig_refuseDeepAndHugeFiles_keepTheRunningConfig() throws Exception {
    try (var web = TestServers.http(200, "ok")) {
      Path file = dir.resolve("maglev.yaml");
      String good =
          DaemonProcessTest.config(web.port(), "a: { address: 127.0.0.1, healthcheck: http }");
      Files.writeString(file, good);
      try (DaemonProcess d = DaemonProcess.start(dir, List.of(), "--config", file.toString())) {
        ManagedChannel ch =
            NettyChannelBuilder.forAddress("127.0.0.1", d.grpcPort()).usePlaintext().build();
        try {
          var stub = MaglevGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);

          assertThat(d.metric(REFUSED)).isEqualTo("0.0");
          writeDeep(file);
          d.signal("HUP");
          await().until(() -> d.log().contains("\"msg\":\"config-reload-failed\""));
          await().until(() -> d.metric(REFUSED).equals("1.0")); // SIGHUP counts
          assertThat(d.log())
              .contains("nested deeper than 64 levels of mappings and lists (line 1, column 72)")
              .doesNotContain("StackOverflowError")
              .doesNotContain("\tat ");
          ReloadConfigResponse deep = stub.reloadConfig(ReloadConfigRequest.getDefaultInstance());
          assertThat(deep.getOk()).isFalse();
          assertThat(deep.getParseError()).startsWith("nested deeper than 64 levels");
          assertThat(d.metric(REFUSED)).isEqualTo("2.0"); // and so does ReloadConfig

          writeFiftyMegabyteValue(file);
          // refused by its size, unread: the message is the size check's (the call's deadline and
          // the test's timeout catch a loader that reads and parses it all)
          ReloadConfigResponse huge = stub.reloadConfig(ReloadConfigRequest.getDefaultInstance());
          assertThat(huge.getOk()).isFalse();
          assertThat(huge.getParseError())
              .isEqualTo(
                  "cannot read "
                      + file
                      + ": "
                      + Files.size(file)
                      + " bytes, larger than the limit of 4194304 bytes");

          Files.delete(file);
          Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).inheritIO().start();
          assertThat(mkfifo.waitFor()).isZero();
          ReloadConfigResponse fifo = stub.reloadConfig(ReloadConfigRequest.getDefaultInstance());
          assertThat(fifo.getParseError())
              .isEqualTo(
                  "cannot read " + file + ": not a regular file (it is a FIFO, socket or device)");

          assertThat(stub.listBackends(ListBackendsRequest.getDefaultInstance()).getBackendsList())
              .extracting("name")
              .containsExactly("a");
          assertThat(d.metric(REFUSED)).isEqualTo("4.0");
          assertThat(d.metric(OK)).isEqualTo("0.0");
          Files.delete(file);
          Files.writeString(file, good);
          assertThat(stub.reloadConfig(ReloadConfigRequest.getDefaultInstance()).getOk()).isTrue();
          assertThat(d.metric(OK)).isEqualTo("1.0");
          assertThat(d.metric(REFUSED)).isEqualTo("4.0");
          for (String line : d.log().lines().toList()) {
            assertThat(line).as("every log line is JSON").startsWith("{").endsWith("}");
          }
        } finally {
          ch.shutdownNow();
        }
      }
    }
  }

  /** {@code maglevd --check} on a deep file printed a 1,025-line stack trace; now two lines. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void check_ofDeepAndHugeFiles_printsTheErrorWithoutAStackTrace() throws Exception {
    Path deep = dir.resolve("deep.yaml");
    writeDeep(deep);
    Path huge = dir.resolve("huge.yaml");
    writeFiftyMegabyteValue(huge);
    for (Path file : List.of(deep, huge)) {
      Path err = dir.resolve("stderr");
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  "ch.ipng.maglev.daemon.Main",
                  "--check",
                  "--config",
                  file.toString())
              .redirectError(err.toFile())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(1);
      List<String> lines = Files.readAllLines(err);
      assertThat(lines).hasSize(2);
      assertThat(lines.get(0)).isEqualTo(file + ":");
      assertThat(lines.get(1))
          .matches(
              "  (nested deeper than 64 levels of mappings and lists \\(line 1, column 72\\)"
                  + "|cannot read .*: \\d+ bytes, larger than the limit of 4194304 bytes)");
    }
  }

  /** A reload whose apply throws: a failed outcome with a one-line reason, not an exception. */
  @Test
  void reload_whenApplyingThrows_isAFailedOutcomeWithTheReason() throws IOException {
    Path file = dir.resolve("maglev.yaml");
    Files.writeString(
        file, DaemonProcessTest.config(9, "a: { address: 127.0.0.1, healthcheck: http }"));
    try (Checker checker =
        Checker.of(
            EventBus.create(),
            Jitter.of(new SplittableRandom(1)),
            ProbeListener.NONE,
            ns -> {
              throw new IllegalStateException("no probers here\nsecond line");
            },
            ModelHub.create())) {
      List<String> results = new java.util.ArrayList<>();
      ConfigReloader reloader =
          new ConfigReloader(file, ConfigLoader.Use.HEALTH_CHECKS_ONLY, checker, results::add);
      Outcome o = reloader.reload();
      assertThat(results).containsExactly(ConfigReloader.FAILED);
      assertThat(o.ok()).isFalse();
      assertThat(o.semanticError())
          .isEqualTo("cannot apply " + file + ": IllegalStateException: no probers here");
    }
  }

  @Test
  void reason_isOneShortLine() {
    assertThat(ConfigReloader.reason(new StackOverflowError())).isEqualTo("StackOverflowError");
    assertThat(ConfigReloader.reason(new IllegalArgumentException("x".repeat(10_000))))
        .isEqualTo(
            ("IllegalArgumentException: " + "x".repeat(10_000))
                    .substring(0, ConfigReloader.MAX_REASON)
                + "… (10026 characters)");
    assertThat(ConfigReloader.reason(new IllegalStateException("y".repeat(273) + "😀")))
        .isEqualTo("IllegalStateException: " + "y".repeat(273) + "😀");
    assertThat(ConfigReloader.reason(new IllegalStateException("y".repeat(276) + "😀")))
        .isEqualTo("IllegalStateException: " + "y".repeat(276) + "… (301 characters)");
  }
}
