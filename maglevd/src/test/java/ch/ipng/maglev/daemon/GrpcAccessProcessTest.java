package ch.ipng.maglev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.common.testing.TestPki;
import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.ListBackendsRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.ReloadConfigRequest;
import ch.ipng.maglev.proto.WatchRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * maglevd with TLS and client certificates, as a real process, called through grpc-java with
 * certificates openssl made: each role's allowed and refused calls, handshakes refused without a
 * certificate, with one of another CA or an expired one, the acting-user claim, the audit trail and
 * certificates re-read on SIGHUP.
 */
class GrpcAccessProcessTest {
  @TempDir static Path dir;
  static TestPki pki;
  static TestPki other;
  static DaemonProcess daemon;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    pki = TestPki.create(dir.resolve("pki"), "test-ca");
    pki.server("maglevd");
    pki.client("viewer", "");
    pki.client("operator", "");
    pki.client("dashboard", "DNS:noc.example.org");
    pki.client("admin", "email:pim@example.org");
    pki.client("stranger", "");
    pki.expiredClient("expired");
    other = TestPki.create(dir.resolve("other"), "other-ca");
    other.client("viewer", "");
    Files.writeString(dir.resolve("maglev.yaml"), config());
    daemon = start(dir, pki);
  }

  static String config() {
    return """
        maglev:
          grpc:
            clients:
              viewer: viewer
              operator: operator
              expired: admin
              noc.example.org: operator
              pim@example.org: admin
          healthchecks:
            tcp: { type: tcp, port: 9, interval: 1h }
          backends:
            be1: { address: 127.0.0.1, healthcheck: tcp }
            be2: { address: 127.0.0.2, healthcheck: tcp }
        """;
  }

  static DaemonProcess start(Path dir, TestPki pki) throws IOException {
    return DaemonProcess.start(
        dir,
        List.of(),
        "--grpc-addr=0.0.0.0:0",
        "--config=" + dir.resolve("maglev.yaml"),
        "--grpc-tls-cert=" + pki.cert("maglevd"),
        "--grpc-tls-key=" + pki.key("maglevd"),
        "--grpc-client-ca=" + pki.caCert());
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  @AfterEach
  void closeChannels() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private ManagedChannel channel(TestPki ca, TestPki issuer, String client, int port)
      throws IOException {
    TlsChannelCredentials.Builder b =
        TlsChannelCredentials.newBuilder().trustManager(ca.caCert().toFile());
    if (client != null) {
      b.keyManager(issuer.cert(client).toFile(), issuer.key(client).toFile());
    }
    return channel(b.build(), port);
  }

  private ManagedChannel channel(ChannelCredentials credentials, int port) {
    ManagedChannel c = Grpc.newChannelBuilderForAddress("localhost", port, credentials).build();
    channels.add(c);
    return c;
  }

  private MaglevGrpc.MaglevBlockingStub stub(String client) throws IOException {
    return MaglevGrpc.newBlockingStub(channel(pki, pki, client, daemon.grpcPort()))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static BackendRequest be(String name) {
    return BackendRequest.newBuilder().setName(name).build();
  }

  private static StatusRuntimeException refusal(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call was allowed");
  }

  @Test
  void viewer_reads_butCannotPause() throws IOException {
    MaglevGrpc.MaglevBlockingStub viewer = stub("viewer");
    assertThat(viewer.listBackends(ListBackendsRequest.getDefaultInstance()).getBackendsList())
        .hasSize(2);
    StatusRuntimeException e = refusal(() -> viewer.pauseBackend(be("be1")));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(e.getStatus().getDescription())
        .isEqualTo("PauseBackend needs role operator; viewer has role viewer");
  }

  @Test
  void operator_pausesAndResumes_butCannotReload() throws IOException {
    MaglevGrpc.MaglevBlockingStub operator = stub("operator");
    assertThat(operator.pauseBackend(be("be2")).getState()).isEqualTo("paused");
    assertThat(operator.resumeBackend(be("be2")).getState()).isNotEqualTo("paused");
    StatusRuntimeException e =
        refusal(() -> operator.reloadConfig(ReloadConfigRequest.getDefaultInstance()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(e.getStatus().getDescription())
        .isEqualTo("ReloadConfig needs role admin; operator has role operator");
  }

  @Test
  void admin_byEmailSan_reloads() throws IOException {
    assertThat(stub("admin").reloadConfig(ReloadConfigRequest.getDefaultInstance()).getOk())
        .isTrue();
  }

  @Test
  void certificateOfTheCaWithoutARole_isRefusedEveryCall_butHealthAnswers() throws IOException {
    MaglevGrpc.MaglevBlockingStub stranger = stub("stranger");
    StatusRuntimeException e =
        refusal(() -> stranger.listBackends(ListBackendsRequest.getDefaultInstance()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(e.getStatus().getDescription())
        .isEqualTo(
            "ListBackends needs role viewer; no name of the client's certificate ([stranger]) has"
                + " a role in maglev.grpc.clients");
    HealthCheckResponse health =
        HealthGrpc.newBlockingStub(channel(pki, pki, "stranger", daemon.grpcPort()))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void noCertificate_otherCa_andExpired_areRefusedAtTheHandshake() throws IOException {
    for (ManagedChannel c :
        List.of(
            channel(pki, pki, null, daemon.grpcPort()),
            channel(pki, other, "viewer", daemon.grpcPort()),
            channel(pki, pki, "expired", daemon.grpcPort()))) {
      assertThatThrownBy(
              () ->
                  HealthGrpc.newBlockingStub(c)
                      .withDeadlineAfter(30, TimeUnit.SECONDS)
                      .check(HealthCheckRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }

  @Test
  void actingUser_isRefusedFromAViewer_andTrustedFromAnOperator_inTheAudit() throws Exception {
    Metadata alice = new Metadata();
    alice.put(Metadata.Key.of("maglev-actor", Metadata.ASCII_STRING_MARSHALLER), "alice");
    MaglevGrpc.MaglevBlockingStub viewer =
        stub("viewer").withInterceptors(MetadataUtils.newAttachHeadersInterceptor(alice));
    StatusRuntimeException e =
        refusal(() -> viewer.listBackends(ListBackendsRequest.getDefaultInstance()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(e.getStatus().getDescription())
        .isEqualTo(
            "naming an acting user (maglev-actor) needs role operator; viewer has role viewer");

    BlockingQueue<Event> audit = new LinkedBlockingQueue<>();
    MaglevGrpc.newStub(channel(pki, pki, "viewer", daemon.grpcPort()))
        .watchEvents(
            WatchRequest.newBuilder().setAudit(true).build(),
            new StreamObserver<>() {
              @Override
              public void onNext(Event e) {
                audit.add(e);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    // The subscription starts some time after the call: a marker call, audited too, is repeated
    // until the stream carries one; markers are left out of what is seen below.
    MaglevGrpc.MaglevBlockingStub operator = stub("operator");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              refusal(() -> operator.enableBackend(be("no-such-backend")));
              Event marker = audit.poll(1, TimeUnit.SECONDS);
              return marker != null;
            });
    MaglevGrpc.MaglevBlockingStub dashboard =
        stub("dashboard").withInterceptors(MetadataUtils.newAttachHeadersInterceptor(alice));
    dashboard.pauseBackend(be("be1"));
    MaglevGrpc.MaglevBlockingStub plainViewer = stub("viewer");
    refusal(() -> plainViewer.disableBackend(be("be1")));
    // a viewer naming a user: refused, and the audit's actor is the viewer, the name a claim
    refusal(() -> viewer.disableBackend(be("be1")));
    dashboard.resumeBackend(be("be1"));
    List<String> seen = new ArrayList<>();
    while (seen.size() < 4) {
      Event ev = audit.poll(30, TimeUnit.SECONDS);
      assertThat(ev).as("audit events so far: %s", seen).isNotNull();
      assertThat(ev.hasAudit()).isTrue();
      var a = ev.getAudit();
      if (a.getArgsMap().containsValue("no-such-backend")) {
        continue;
      }
      seen.add(
          a.getRpc()
              + " "
              + a.getActor()
              + " "
              + a.getIdentity()
              + " "
              + a.getRole()
              + " "
              + new java.util.TreeMap<>(a.getArgsMap())
              + " "
              + a.getResult());
      assertThat(a.getPeer()).startsWith("127.0.0.1:");
    }
    assertThat(seen)
        .containsExactly(
            "PauseBackend alice noc.example.org operator {name=be1} OK",
            "DisableBackend viewer viewer viewer {name=be1} PERMISSION_DENIED",
            "DisableBackend viewer viewer viewer {claimed_actor=alice, name=be1} PERMISSION_DENIED",
            "ResumeBackend alice noc.example.org operator {name=be1} OK");
    assertThat(daemon.log())
        .contains("\"msg\":\"audit\"")
        .contains("\"actor\":\"alice\"")
        .doesNotContain("grpc-unauthenticated");
  }

  @Test
  void sighup_rereadsTheCertificates(@TempDir Path own) throws Exception {
    TestPki first = TestPki.create(own.resolve("first"), "first-ca");
    first.server("maglevd");
    first.client("viewer", "");
    TestPki second = TestPki.create(own.resolve("second"), "second-ca");
    second.server("maglevd");
    second.client("viewer", "");
    Files.writeString(own.resolve("maglev.yaml"), config());
    Path cert = own.resolve("server.pem");
    Path key = own.resolve("server.key");
    Path ca = own.resolve("client-ca.pem");
    Files.copy(first.cert("maglevd"), cert);
    Files.copy(first.key("maglevd"), key);
    Files.copy(first.caCert(), ca);
    try (DaemonProcess d =
        DaemonProcess.start(
            own,
            List.of(),
            "--config=" + own.resolve("maglev.yaml"),
            "--grpc-tls-cert=" + cert,
            "--grpc-tls-key=" + key,
            "--grpc-client-ca=" + ca)) {
      assertThat(list(channel(first, first, "viewer", d.grpcPort()))).isEqualTo(Status.Code.OK);
      assertThat(list(channel(second, second, "viewer", d.grpcPort())))
          .isEqualTo(Status.Code.UNAVAILABLE);
      Files.copy(second.cert("maglevd"), cert, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(second.key("maglevd"), key, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(second.caCert(), ca, StandardCopyOption.REPLACE_EXISTING);
      d.signal("HUP");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> d.log().contains("\"msg\":\"grpc-tls-reload\""));
      assertThat(list(channel(second, second, "viewer", d.grpcPort()))).isEqualTo(Status.Code.OK);
      assertThat(list(channel(first, first, "viewer", d.grpcPort())))
          .isEqualTo(Status.Code.UNAVAILABLE);

      Files.writeString(key, "not a key");
      d.signal("HUP");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> d.log().contains("\"msg\":\"grpc-tls-reload-failed\""));
      assertThat(d.log()).contains("--grpc-tls-key " + key + ": no unencrypted PKCS#8 key");
      assertThat(list(channel(second, second, "viewer", d.grpcPort()))).isEqualTo(Status.Code.OK);
    }
  }

  private static Status.Code list(ManagedChannel c) {
    try {
      MaglevGrpc.newBlockingStub(c)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .listBackends(ListBackendsRequest.getDefaultInstance());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void health_answersAClientWithoutARole_andTurnsNotServingWhileStopping(@TempDir Path own)
      throws Exception {
    Files.writeString(own.resolve("maglev.yaml"), config());
    try (DaemonProcess d = start(own, pki)) {
      BlockingQueue<HealthCheckResponse.ServingStatus> seen = new LinkedBlockingQueue<>();
      HealthGrpc.newStub(channel(pki, pki, "stranger", d.grpcPort()))
          .watch(
              HealthCheckRequest.getDefaultInstance(),
              new StreamObserver<>() {
                @Override
                public void onNext(HealthCheckResponse r) {
                  seen.add(r.getStatus());
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
              });
      assertThat(seen.poll(30, TimeUnit.SECONDS))
          .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      d.signal("TERM");
      assertThat(seen.poll(30, TimeUnit.SECONDS))
          .isEqualTo(HealthCheckResponse.ServingStatus.NOT_SERVING);
      assertThat(d.waitFor(Duration.ofSeconds(30))).isZero();
    }
  }

  @Test
  void plaintextOnAllAddresses_warnsAtStart(@TempDir Path own) throws Exception {
    Files.writeString(own.resolve("maglev.yaml"), config());
    try (DaemonProcess d =
        DaemonProcess.start(
            own, List.of(), "--grpc-addr=0.0.0.0:0", "--config=" + own.resolve("maglev.yaml"))) {
      assertThat(d.log()).contains("\"msg\":\"grpc-unauthenticated\"");
    }
  }
}
