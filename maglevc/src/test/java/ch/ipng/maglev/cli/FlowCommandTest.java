package ch.ipng.maglev.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.cli.VppCommandsTest.Result;
import ch.ipng.maglev.cli.tree.Node;
import ch.ipng.maglev.cli.tree.Resolver;
import ch.ipng.maglev.proto.VPPLBFlow;
import ch.ipng.maglev.proto.VPPLBState;
import ch.ipng.maglev.proto.VPPLBVIP;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code show vpp lb flow} and the digests of {@code show vpp lb state}, one-shot against a real
 * maglevd programming maglev-vppsim (web: 192.0.2.1 tcp/80, only nginx0-ams, 127.0.0.1, weighted).
 */
class FlowCommandTest {
  @TempDir static Path dir;
  static SimProcess vpp;
  static MaglevdFixture maglevd;

  @BeforeAll
  static void start() throws Exception {
    vpp = SimProcess.start(Files.createDirectory(dir.resolve("vpp")));
    maglevd = new MaglevdFixture(Files.createDirectory(dir.resolve("maglevd")), vpp);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                run("show", "vpp", "lb", "state")
                    .out()
                    .matches("(?s).*127\\.0\\.0\\.1\\s+100\\s+1024\\s+nginx0-ams.*"));
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

  @Test
  void showVppLbState_printsTheTableAndConfigDigests() throws Exception {
    Result r = run("show", "vpp", "lb", "state");
    assertThat(r.out())
        .containsPattern("config-digest\\s+[0-9a-f]{13}\n")
        .containsPattern("table-digest [0-9a-f]{13}\n");
    VPPLBState s =
        VppCommandsTest.parse(
                run("--json", "show", "vpp", "lb", "state").out(), VPPLBState.newBuilder())
            .build();
    assertThat(s.getConfigDigest()).matches("[0-9a-f]{13}");
    VPPLBVIP web = s.getVips(0);
    assertThat(web.getTableDigest()).matches("[0-9a-f]{13}").isEqualTo(web.getDesiredTableDigest());
    assertThat(r.out()).contains("table-digest " + web.getTableDigest() + "\n");
  }

  @Test
  void theDigestLine_namesWhatMaglevdWantsWhenVppDiffers() {
    VPPLBVIP v = VPPLBVIP.newBuilder().setTableDigest("aaaaaaaaaaaaa").build();
    assertThat(FlowCommand.digests(v)).isEqualTo("aaaaaaaaaaaaa");
    assertThat(FlowCommand.digests(v.toBuilder().setDesiredTableDigest("aaaaaaaaaaaaa").build()))
        .isEqualTo("aaaaaaaaaaaaa");
    assertThat(FlowCommand.digests(v.toBuilder().setDesiredTableDigest("bbbbbbbbbbbbb").build()))
        .isEqualTo("aaaaaaaaaaaaa (maglevd wants bbbbbbbbbbbbb)");
  }

  @Test
  void showVppLbFlow_namesTheVipBucketAndAs_andSaysExistingFlowsStay() throws Exception {
    Result r = run("show", "vpp", "lb", "flow", "198.51.100.7:40000", "192.0.2.1:80");
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out())
        .containsPattern("vip\\s+192\\.0\\.2\\.1/32 tcp/80 \\(frontend web\\)\n")
        .containsPattern("as\\s+127\\.0\\.0\\.1 \\(backend nginx0-ams\\)\n")
        .containsPattern("table-digest\\s+[0-9a-f]{13}\n")
        .contains("an existing flow keeps the AS VPP's sticky table gave it");
    Matcher m =
        Pattern.compile("hash\\s+0x([0-9a-f]{8})\n\\S*bucket\\S*\\s+(\\d+) of 1024")
            .matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    // computed independently (Python, the spec's CRC32C definition): 0x7203221a, bucket 538
    assertThat(m.group(1)).isEqualTo("7203221a");
    assertThat(Integer.parseInt(m.group(2))).isEqualTo(538);
    // every bucket is 127.0.0.1's: SHA-256 of 1024 times its ip46 form, 13 hex digits
    assertThat(r.out()).containsPattern("table-digest\\s+4e4e026b410a5\n");

    VPPLBFlow f =
        VppCommandsTest.parse(
                run(
                        "--json",
                        "show",
                        "vpp",
                        "lb",
                        "flow",
                        "198.51.100.7:40000",
                        "192.0.2.1:80",
                        "tcp")
                    .out(),
                VPPLBFlow.newBuilder())
            .build();
    assertThat(f.getHash()).isEqualTo(Integer.parseUnsignedInt(m.group(1), 16));
    assertThat(f.getBackend()).isEqualTo("nginx0-ams");
    // udp: another protocol, and no VIP takes it
    Result udp = run("show", "vpp", "lb", "flow", "198.51.100.7", "192.0.2.1:80", "udp");
    assertThat(udp.rc()).isEqualTo(2);
    assertThat(udp.err()).contains("no VIP in VPP takes udp 192.0.2.1 port 80");
  }

  @Test
  void badInput_getsAClearError() {
    Result r = run("show", "vpp", "lb", "flow", "nope", "192.0.2.1:80");
    assertThat(r.rc()).isEqualTo(2);
    assertThat(r.err()).contains("src: \"nope\" (expected: an IPv4 or IPv6 address)");
    r = run("show", "vpp", "lb", "flow", "198.51.100.7", "192.0.2.1");
    assertThat(r.rc()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "dst: \"192.0.2.1\" (expected: ADDRESS:PORT, e.g. 192.0.2.1:80 or [2001:db8::1]:80)");
    r = run("show", "vpp", "lb", "flow", "198.51.100.7:70000", "192.0.2.1:80");
    assertThat(r.err()).contains("src: \"198.51.100.7:70000\" (expected: ADDRESS or ADDRESS:PORT");
    r = run("show", "vpp", "lb", "flow", "198.51.100.7", "192.0.2.1:80", "sctp");
    assertThat(r.rc()).isNotZero();
    assertThat(r.err()).contains("sctp");
  }

  @Test
  void endpoints_splitIpv4AndBracketedIpv6() {
    assertThat(FlowCommand.endpoint("src", "192.0.2.7:40000", false))
        .isEqualTo(new FlowCommand.Endpoint("192.0.2.7", 40000));
    assertThat(FlowCommand.endpoint("src", "192.0.2.7", false))
        .isEqualTo(new FlowCommand.Endpoint("192.0.2.7", 0));
    assertThat(FlowCommand.endpoint("src", "2001:db8::7", false))
        .isEqualTo(new FlowCommand.Endpoint("2001:db8::7", 0));
    assertThat(FlowCommand.endpoint("dst", "[2001:db8::1]:443", true))
        .isEqualTo(new FlowCommand.Endpoint("2001:db8::1", 443));
    assertThatThrownBy(() -> FlowCommand.endpoint("dst", "[2001:db8::1]", true))
        .hasMessageContaining("dst: \"[2001:db8::1]\" (expected: ADDRESS:PORT");
    assertThatThrownBy(() -> FlowCommand.endpoint("dst", "[2001:db8::1]x80", true))
        .hasMessageContaining("expected");
    assertThatThrownBy(() -> FlowCommand.endpoint("dst", ":80", true))
        .hasMessageContaining("port 0-65535");
    assertThatThrownBy(() -> FlowCommand.endpoint("dst", "192.0.2.1:http", true))
        .hasMessageContaining("port 0-65535");
  }

  @Test
  void completionAndHelp_offerTheFlowCommandItsSlotsAndProtocols() {
    assertThat(run("--complete", "show", "vpp", "lb", "").out()).contains("flow\n");
    assertThat(
            run("--complete", "show", "vpp", "lb", "flow", "192.0.2.7", "192.0.2.1:80", "").out())
        .isEqualTo("tcp\nudp\n");
    StringWriter out = new StringWriter();
    Output o = new Output(new PrintWriter(out), new PrintWriter(new StringWriter()), false);
    try (Session session = new Session(maglevd.server(), o, false, Main.DEFAULT_TIMEOUT)) {
      Resolver resolver = new Resolver(new Commands(session).tree());
      List<Node> next = resolver.next(List.of("show", "vpp", "lb", "flow"), "");
      assertThat(next).extracting(Node::label).containsExactly("<src[:port]>");
      assertThat(next.get(0).help()).contains("client address");
      next = resolver.next(List.of("show", "vpp", "lb", "flow", "192.0.2.7"), "");
      assertThat(next).extracting(Node::label).containsExactly("<dst:port>");
      assertThat(
              resolver.completes(List.of("show", "vpp", "lb", "flow", "192.0.2.7", "192.0.2.1:80")))
          .isTrue();
    }
  }
}
