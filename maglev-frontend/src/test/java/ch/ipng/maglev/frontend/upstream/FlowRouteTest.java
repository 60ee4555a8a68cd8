package ch.ipng.maglev.frontend.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.common.Version;
import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.ForwardingConfig;
import ch.ipng.maglev.frontend.DashboardApi;
import ch.ipng.maglev.frontend.http.AdminGate;
import ch.ipng.maglev.frontend.http.FrontendServer;
import ch.ipng.maglev.frontend.sse.SseBroker;
import ch.ipng.maglev.proto.GetVPPLBStateRequest;
import ch.ipng.maglev.proto.LookupVPPLBFlowRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.VPPLBFlow;
import ch.ipng.maglev.proto.VPPLBVIP;
import ch.ipng.maglev.vppsim.testing.NamedBackends;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's flow lookup against a real maglevd programming a real maglev-vppsim: the answer
 * is maglevd's LookupVPPLBFlow as the proto's JSON, under /view/api/ and (logged in) /admin/api/;
 * bad input is refused by the dashboard naming the parameter, maglevd's errors pass with the HTTP
 * status the admin actions give them.
 */
class FlowRouteTest {
  static final String AUTH =
      "Basic " + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8));

  @TempDir static Path dir;
  static NamedBackends backends;
  static SimProcess sim;
  static DaemonProcess maglevd;
  static ManagedChannel channel;
  static Maglevds maglevds;
  static FrontendServer server;
  static InetAddress vip;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    backends = NamedBackends.start("a", "b", "c");
    vip = backends.sibling(100);
    Path config = dir.resolve("maglev.yaml");
    Files.writeString(config, ForwardingConfig.of(backends, vip, ForwardingConfig.GRE_SOURCE));
    sim = SimProcess.start(Files.createDirectory(dir.resolve("vpp")));
    maglevd =
        DaemonProcess.start(
            dir,
            List.of(),
            "--config",
            config.toString(),
            "--vpp-api-addr=" + sim.api(),
            "--vpp-stats-addr=" + sim.stats());
    String address = "127.0.0.1:" + maglevd.grpcPort();
    channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
    // VPP holds the VIP with its three ASes, each with weight
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .until(
            () ->
                stub()
                    .getVPPLBState(GetVPPLBStateRequest.getDefaultInstance())
                    .getVipsList()
                    .stream()
                    .filter(v -> v.getFrontend().equals("web"))
                    .anyMatch(
                        v -> v.getAsesList().stream().filter(a -> a.getWeight() > 0).count() == 3));
    SseBroker broker = SseBroker.create(Clock.systemUTC());
    maglevds = Maglevds.start(List.of(address), broker);
    DashboardApi api = DashboardApi.of(maglevds, Version.current());
    server =
        FrontendServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            api,
            broker,
            AdminGate.of("ops", "s3cret"),
            api);
    base = "http://127.0.0.1:" + server.address().getPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (maglevds != null) {
      maglevds.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (maglevd != null) {
      maglevd.close();
    }
    if (sim != null) {
      sim.close();
    }
    if (backends != null) {
      backends.close();
    }
  }

  static MaglevGrpc.MaglevBlockingStub stub() {
    return MaglevGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    try (HttpClient c = HttpClient.newHttpClient()) {
      return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  /** A status and body. */
  record Answer(int status, String body) {}

  /**
   * {@code GET target} written as is (java.net.URI refuses a bad %-escape, which is what some tests
   * send), logged in.
   */
  static Answer raw(String target) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort())) {
      s.setSoTimeout(30_000);
      s.getOutputStream()
          .write(
              ("GET "
                      + target
                      + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                      + AUTH
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.UTF_8));
      String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Answer(
          Integer.parseInt(r.substring(9, 12)), r.substring(r.indexOf("\r\n\r\n") + 4));
    }
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  String vipPort() {
    return vip.getHostAddress() + ":" + backends.port();
  }

  @Test
  void theAnswer_isMaglevdsLookup_forEveryTuple_inViewAndAdmin() throws Exception {
    Set<String> reached = new HashSet<>();
    for (int port = 40000; port < 40064; port++) {
      VPPLBFlow want =
          stub()
              .lookupVPPLBFlow(
                  LookupVPPLBFlowRequest.newBuilder()
                      .setSrc("198.51.100.7")
                      .setSrcPort(port)
                      .setDst(vip.getHostAddress())
                      .setDstPort(backends.port())
                      .setProtocol("tcp")
                      .build());
      String query = "?src=" + q("198.51.100.7:" + port) + "&dst=" + q(vipPort()) + "&proto=tcp";
      HttpResponse<String> view = get("/view/api/flow/127.0.0.1" + query);
      assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
      assertThat(view.headers().firstValue("content-type"))
          .hasValue("application/json; charset=utf-8");
      JsonObject o = JsonParser.parseString(view.body()).getAsJsonObject();
      assertThat(o.get("as_address").getAsString()).isEqualTo(want.getAsAddress()).isNotEmpty();
      assertThat(o.get("backend").getAsString()).isEqualTo(want.getBackend());
      assertThat(o.get("bucket").getAsLong()).isEqualTo(Integer.toUnsignedLong(want.getBucket()));
      assertThat(o.get("hash").getAsLong()).isEqualTo(Integer.toUnsignedLong(want.getHash()));
      JsonObject v = o.getAsJsonObject("vip");
      VPPLBVIP wantVip = want.getVip();
      assertThat(v.get("frontend").getAsString()).isEqualTo("web");
      assertThat(v.get("prefix").getAsString()).isEqualTo(wantVip.getPrefix());
      assertThat(v.get("table_digest").getAsString()).isEqualTo(wantVip.getTableDigest());
      assertThat(o.get("note").getAsString()).contains("an existing flow keeps the AS");
      reached.add(want.getBackend());

      HttpResponse<String> admin = get("/admin/api/flow/127.0.0.1" + query, "Authorization", AUTH);
      assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
      assertThat(admin.body()).isEqualTo(view.body());
    }
    // the tuples spread over the backends (a and b hold 40% of the buckets each, c 20%: all 64
    // on one backend would be a chance below 1e-14): the answer is not one constant
    assertThat(reached).hasSizeGreaterThan(1).isSubsetOf("a", "b", "c");
    // without a port the source port is 0, as in maglevc; the protocol defaults to tcp
    HttpResponse<String> bare =
        get("/view/api/flow/127.0.0.1?src=198.51.100.7&dst=" + q(vipPort()));
    assertThat(bare.statusCode()).as(bare.body()).isEqualTo(200);
    VPPLBFlow zero =
        stub()
            .lookupVPPLBFlow(
                LookupVPPLBFlowRequest.newBuilder()
                    .setSrc("198.51.100.7")
                    .setDst(vip.getHostAddress())
                    .setDstPort(backends.port())
                    .build());
    assertThat(JsonParser.parseString(bare.body()).getAsJsonObject().get("bucket").getAsLong())
        .isEqualTo(Integer.toUnsignedLong(zero.getBucket()));
  }

  @Test
  void theAdminLookup_needsTheLogin() throws Exception {
    HttpResponse<String> r = get("/admin/api/flow/127.0.0.1?src=198.51.100.7&dst=" + q(vipPort()));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).doesNotContain("as_address");
  }

  @Test
  void badInput_isRefusedNamingTheParameterAndWhatWasExpected() throws Exception {
    String dst = q(vipPort());
    record Case(String query, String field, String message) {}
    List<Case> cases =
        List.of(
            new Case("?dst=" + dst, "src", "src: missing (expected: ADDRESS or ADDRESS:PORT"),
            new Case("?src=198.51.100.7", "dst", "dst: missing (expected: ADDRESS:PORT"),
            new Case(
                "?src=client.example&dst=" + dst,
                "src",
                "src: \"client.example\" (expected: ADDRESS or ADDRESS:PORT"),
            new Case("?src=198.51.100.7:65536&dst=" + dst, "src", "src: \"198.51.100.7:65536\""),
            new Case(
                "?src=198.51.100.7&dst=" + q(vip.getHostAddress()),
                "dst",
                "(expected: ADDRESS:PORT, e.g. 192.0.2.1:80"),
            new Case(
                "?src=" + q("[2001:db8::7]:1") + "&dst=" + dst,
                "dst",
                "(expected: both IPv4 or both IPv6)"),
            new Case(
                "?src=198.51.100.7&dst=" + dst + "&proto=sctp",
                "proto",
                "proto: \"sctp\" (expected: tcp or udp)"),
            new Case(
                "?src=198.51.100.7&dst=" + dst + "&port=80",
                "port",
                "unknown parameter \"port\" (expected: src, dst and optionally proto)"),
            new Case(
                "?src=198.51.100.7%zz&dst=" + dst,
                "query",
                "cannot be decoded (expected: %XX escapes of two hex digits, UTF-8)"),
            new Case(
                "?src=198.51.100.7&src=198.51.100.8&dst=" + dst,
                "src",
                "src: given 2 times (expected: once)"));
    for (Case c : cases) {
      for (String prefix : List.of("/view/api/flow/127.0.0.1", "/admin/api/flow/127.0.0.1")) {
        Answer r = raw(prefix + c.query());
        assertThat(r.status()).as(prefix + c.query() + ": " + r.body()).isEqualTo(400);
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        assertThat(o.get("field").getAsString()).as(c.query()).isEqualTo(c.field());
        assertThat(o.get("error").getAsString()).as(c.query()).contains(c.message());
      }
    }
  }

  @Test
  void maglevdsErrors_passWithTheirStatus_andAnUnknownMaglevdIsNamed() throws Exception {
    // no VIP takes udp to the web VIP's address: maglevd's NOT_FOUND, with its message
    HttpResponse<String> udp =
        get("/view/api/flow/127.0.0.1?src=198.51.100.7&dst=" + q(vipPort()) + "&proto=udp");
    assertThat(udp.statusCode()).isEqualTo(404);
    assertThat(JsonParser.parseString(udp.body()).getAsJsonObject().get("error").getAsString())
        .isEqualTo("no VIP in VPP takes udp " + vip.getHostAddress() + " port " + backends.port());

    HttpResponse<String> nobody =
        get("/view/api/flow/lb9.example?src=198.51.100.7&dst=" + q(vipPort()));
    assertThat(nobody.statusCode()).isEqualTo(404);
    assertThat(nobody.body()).contains("no maglevd \\\"lb9.example\\\" (known: 127.0.0.1)");

    Answer badName = raw("/view/api/flow/lb%zz?src=198.51.100.7&dst=" + q(vipPort()));
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.body()).contains("maglevd: \\\"lb%zz\\\" cannot be decoded");

    HttpResponse<String> post =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(base + "/view/api/flow/127.0.0.1?src=1.2.3.4&dst=1.2.3.4:80"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(server.unexpectedErrors()).isZero();
  }

  @Test
  void aMaglevdThatDoesNotAnswer_is503_notACrash() throws Exception {
    // a port held but not listening: connections to it are refused
    try (Socket held = new Socket()) {
      held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      SseBroker broker = SseBroker.create(Clock.systemUTC());
      try (Maglevds gone = Maglevds.start(List.of("127.0.0.1:" + held.getLocalPort()), broker);
          FrontendServer s =
              FrontendServer.start(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                  DashboardApi.of(gone, Version.current()),
                  broker)) {
        try (HttpClient c = HttpClient.newHttpClient()) {
          HttpResponse<String> r =
              c.send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + s.address().getPort()
                                  + "/view/api/flow/127.0.0.1?src=198.51.100.7&dst=192.0.2.1:80"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
          assertThat(JsonParser.parseString(r.body()).getAsJsonObject().has("error")).isTrue();
        }
        assertThat(s.unexpectedErrors()).isZero();
      }
    }
  }
}
