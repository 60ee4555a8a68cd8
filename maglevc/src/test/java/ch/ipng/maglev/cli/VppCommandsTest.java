package ch.ipng.maglev.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.proto.PreviewWeightResponse;
import ch.ipng.maglev.proto.SyncVPPLBStateResponse;
import ch.ipng.maglev.proto.VPPInfo;
import ch.ipng.maglev.proto.VPPLBCounters;
import ch.ipng.maglev.proto.VPPLBState;
import ch.ipng.maglev.proto.VPPWarmUp;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VPP commands in one-shot mode against a real maglevd programming maglev-vppsim. */
class VppCommandsTest {
  @TempDir static Path dir;
  static SimProcess vpp;
  static MaglevdFixture maglevd;

  @BeforeAll
  static void start() throws Exception {
    Path simDir = Files.createDirectory(dir.resolve("vpp"));
    vpp = SimProcess.start(simDir);
    maglevd = new MaglevdFixture(Files.createDirectory(dir.resolve("maglevd")), vpp);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (maglevd != null) {
      maglevd.close();
    }
    if (vpp != null) {
      vpp.close();
    }
  }

  record Result(int rc, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        Main.run(
            args,
            new PrintStream(buf, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("MAGLEV_SERVER", maglevd.server()));
    return new Result(
        rc, buf.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static <T extends Message.Builder> T parse(String json, T builder) throws Exception {
    JsonFormat.parser().merge(json, builder);
    return builder;
  }

  @Test
  void showVppInfo_tellsTheVersionAndTheWarmUp() throws Exception {
    // during the warm-up the frontend is held until its backends are known, or it is released
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> run("show", "vpp", "info").out().matches("(?s).*warm-up\\s+done\n.*"));
    Result r = run("show", "vpp", "info");
    assertThat(r.rc()).isZero();
    assertThat(r.out())
        .containsPattern("version\\s+26\\.10")
        .containsPattern("vpp-pid\\s+\\d+")
        .containsPattern("connected\\s+\\d{4}-\\d\\d-\\d\\dT.*ago\\)");
    Result j = run("--json", "show", "vpp", "info");
    VPPInfo info = parse(j.out(), VPPInfo.newBuilder()).build();
    assertThat(info.getVersion()).startsWith("26.10");
    assertThat(info.getWarmUp().getActive()).isFalse();
    assertThat(info.getWarmUp().getHeldFrontendsList()).isEmpty();
  }

  @Test
  void theWarmUpLine_saysWhenItEndsAndWhatItHolds() {
    long now = 1_780_000_000_000_000_000L;
    VPPWarmUp running =
        VPPWarmUp.newBuilder()
            .setActive(true)
            .setEndsNs(now + 12_000_000_000L)
            .addHeldFrontends("dns")
            .addHeldFrontends("web")
            .build();
    assertThat(Commands.warmUp(running, now))
        .isEqualTo("until 2026-05-28T20:26:52Z (in 12s), holding dns, web");
    assertThat(Commands.warmUp(running.toBuilder().clearHeldFrontends().build(), now))
        .isEqualTo("until 2026-05-28T20:26:52Z (in 12s), every frontend released");
    assertThat(
            Commands.warmUp(
                running.toBuilder().setHandsOffUntilNs(now + 3_000_000_000L).build(), now))
        .isEqualTo(
            "until 2026-05-28T20:26:52Z (in 12s), holding dns, web, nothing written for 3s more");
    assertThat(Commands.warmUp(VPPWarmUp.getDefaultInstance(), now)).isEqualTo("done");
  }

  @Test
  void showVppLbState_listsTheVipItsAsesWeightsAndBuckets() throws Exception {
    // web's primary nginx0-ams carries everything; the fallback pool is at weight 0
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                run("show", "vpp", "lb", "state")
                    .out()
                    .matches("(?s).*127\\.0\\.0\\.1\\s+100\\s+1024\\s+nginx0-ams.*"));
    Result r = run("show", "vpp", "lb", "state");
    assertThat(r.rc()).isZero();
    assertThat(r.out())
        .containsPattern("ipv4-src-address\\s+192\\.0\\.2\\.254")
        .contains("vip 192.0.2.1/32 tcp/80 encap gre4", "(frontend web)")
        .containsPattern("127\\.0\\.0\\.2\\s+0\\s+0\\s+nginx0-fra")
        .containsPattern("127\\.0\\.0\\.3\\s+0\\s+0\\s+spare");
    VPPLBState s =
        parse(run("--json", "show", "vpp", "lb", "state").out(), VPPLBState.newBuilder()).build();
    assertThat(s.getVipsCount()).isEqualTo(1);
    assertThat(s.getVips(0).getFrontend()).isEqualTo("web");
    assertThat(s.getVips(0).getAsesList().stream().mapToInt(a -> a.getBuckets()).sum())
        .isEqualTo(1024);
  }

  @Test
  void setWeightDryRun_printsTheChurnTable_andChangesNothing() throws Exception {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                run("show", "vpp", "lb", "state")
                    .out()
                    .matches("(?s).*127\\.0\\.0\\.1\\s+100\\s+1024\\s+nginx0-ams.*"));
    // nginx0-ams carries everything and the fallback serves nothing: at 0 the VIP fails closed
    String[] drain = {
      "set", "frontend", "web", "pool", "primary", "backend", "nginx0-ams", "weight", "0", "dry-run"
    };
    Result r = run(drain);
    assertThat(r.rc()).isZero();
    assertThat(r.out())
        .isEqualTo(
            """
            dry-run      frontend web pool primary backend nginx0-ams weight 0: nothing changed
            moved        1024 of 1024 buckets
            reaches-vpp  yes

            AS         BACKEND     WEIGHT    BUCKETS    CHANGE
            127.0.0.1  nginx0-ams  100 -> 0  1024 -> 0  -1024
            127.0.0.2  nginx0-fra  0 -> 0    0 -> 0     0
            127.0.0.3  spare       0 -> 0    0 -> 0     0
            """);
    assertThat(run("show", "vpp", "lb", "state").out())
        .containsPattern("127\\.0\\.0\\.1\\s+100\\s+1024\\s+nginx0-ams");

    // flush moves no bucket: "flush dry-run" previews the same; --json gives the proto
    String[] flushed = {
      "--json",
      "set",
      "frontend",
      "web",
      "pool",
      "primary",
      "backend",
      "nginx0-ams",
      "weight",
      "0",
      "flush",
      "dry-run"
    };
    PreviewWeightResponse p = parse(run(flushed).out(), PreviewWeightResponse.newBuilder()).build();
    assertThat(p.getMoved()).isEqualTo(1024);
    assertThat(p.getTableLength()).isEqualTo(1024);
    assertThat(p.getAses(0).getBackend()).isEqualTo("nginx0-ams");
    assertThat(p.getAses(0).getBucketsAfter()).isZero();

    // a disabled backend's pool weight does not reach VPP, and the reason is given
    Result spare =
        run(
            "set",
            "frontend",
            "web",
            "pool",
            "fallback",
            "backend",
            "spare",
            "weight",
            "50",
            "dry");
    assertThat(spare.rc()).isZero();
    assertThat(spare.out())
        .contains(
            "moved        0 of 1024 buckets\n",
            "reaches-vpp  no: backend \"spare\" is disabled: a pool weight reaches VPP only while"
                + " the backend is up\n");

    Result unknown =
        run("set", "frontend", "web", "pool", "primary", "backend", "nope", "weight", "1", "dry");
    assertThat(unknown.rc()).isEqualTo(2);
    assertThat(unknown.err())
        .isEqualTo("backend \"nope\" not found in pool \"primary\" of frontend \"web\"\n");
  }

  @Test
  void showVppLbCounters_andSync() throws Exception {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> run("show", "vpp", "lb", "counters").out().contains("192.0.2.1"));
    Result c = run("show", "vpp", "lb", "counters");
    assertThat(c.rc()).isZero();
    assertThat(c.out())
        .contains("VIP", "NEXT", "NO-SERVER", "PACKETS")
        .containsPattern("192\\.0\\.2\\.1\\S*\\s+tcp/80\\s+web\\s+\\d+");
    VPPLBCounters counters =
        parse(run("--json", "show", "vpp", "lb", "counters").out(), VPPLBCounters.newBuilder())
            .build();
    assertThat(counters.getVips(0).getFrontend()).isEqualTo("web");

    // in sync: a sync of everything and one of web change nothing
    Result all = run("sync", "vpp", "lb", "state");
    assertThat(all.rc()).isZero();
    assertThat(all.out()).containsPattern("vip-added\\s+0").containsPattern("as-added\\s+0");
    SyncVPPLBStateResponse one =
        parse(
                run("--json", "sync", "vpp", "lb", "state", "web").out(),
                SyncVPPLBStateResponse.newBuilder())
            .build();
    assertThat(one.getAsWeightUpdated()).isZero();
    Result unknown = run("sync", "vpp", "lb", "state", "nope");
    assertThat(unknown.rc()).isEqualTo(2);
    assertThat(unknown.err()).isEqualTo("frontend \"nope\" not found\n");
  }

  @Test
  void showAndReleaseChecker_whenNothingIsSuspected() throws Exception {
    Result show = run("show", "checker");
    assertThat(show.rc()).isZero();
    assertThat(show.out()).matches("suspect\\s+no\n");
    ch.ipng.maglev.proto.CheckerSuspicion s =
        parse(
                run("--json", "show", "checker").out(),
                ch.ipng.maglev.proto.CheckerSuspicion.newBuilder())
            .build();
    assertThat(s.getSuspected()).isFalse();
    Result release = run("release", "checker");
    assertThat(release.rc()).isZero();
    assertThat(release.out()).isEqualTo("the checker suspected nothing\n");
  }

  @Test
  void releaseFrontend_whenNothingIsHeld_andShowFrontendSaysTheBudget() throws Exception {
    Result one = run("release", "frontend", "web");
    assertThat(one.rc()).isZero();
    assertThat(one.out()).isEqualTo("frontend web held no backend\n");
    Result all = run("release", "frontends");
    assertThat(all.rc()).isZero();
    assertThat(all.out()).isEqualTo("no frontend held a backend\n");
    ch.ipng.maglev.proto.ReleaseDrainHoldResponse r =
        parse(
                run("--json", "release", "frontends").out(),
                ch.ipng.maglev.proto.ReleaseDrainHoldResponse.newBuilder())
            .build();
    assertThat(r.getReleasedCount()).isZero();
    Result unknown = run("release", "frontend", "nope");
    assertThat(unknown.rc()).isEqualTo(2);
    assertThat(unknown.err()).isEqualTo("frontend \"nope\" not found\n");
    assertThat(run("show", "frontend", "web").out()).containsPattern("max-drain\\s+off\n");
  }

  @Test
  void maxDrain_saysTheShareAndTheWindow() {
    assertThat(
            ShowCommands.maxDrain(
                ch.ipng.maglev.proto.FrontendInfo.newBuilder()
                    .setMaxDrain(50)
                    .setMaxDrainWindowNs(90_000_000_000L)
                    .build()))
        .isEqualTo("50% per 1m30s");
  }

  @Test
  void suspicionFields_sayWhatTheSuspicionRestsOn() {
    long now = 10_000_000_000L;
    var s =
        ch.ipng.maglev.proto.CheckerSuspicion.newBuilder()
            .setSuspected(true)
            .setCause("storm")
            .setSinceNs(now - 3_000_000_000L)
            .setDown(10)
            .setWithVerdict(20)
            .addFrontends("fe0")
            .addFrontends("fe1")
            .setRanges(2)
            .setMaxLatenessNs(12_000_000)
            .addFrozen("b0")
            .addFrozen("b1")
            .build();
    var lines = ShowCommands.suspicionFields(s, now);
    assertThat(lines.get(0)).containsExactly("suspect", "yes (storm)");
    assertThat(lines.get(2))
        .containsExactly(
            "evidence", "10 of 20 backends down in 2 frontends (fe0, fe1), 2 address ranges");
    assertThat(lines.get(4)).containsExactly("frozen", "b0, b1");
  }
}
