package ch.ipng.maglev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.config.ConfigLoader;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.log.LogFanout;
import ch.ipng.maglev.daemon.testing.TestServers;
import ch.ipng.maglev.proto.BackendInfo;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.proto.CheckConfigRequest;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.GetBackendRequest;
import ch.ipng.maglev.proto.GetFrontendRequest;
import ch.ipng.maglev.proto.GetHealthCheckRequest;
import ch.ipng.maglev.proto.GetVPPInfoRequest;
import ch.ipng.maglev.proto.GetVPPLBCountersRequest;
import ch.ipng.maglev.proto.GetVPPLBStateRequest;
import ch.ipng.maglev.proto.ListBackendsRequest;
import ch.ipng.maglev.proto.ListFrontendsRequest;
import ch.ipng.maglev.proto.ListHealthChecksRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.PreviewWeightRequest;
import ch.ipng.maglev.proto.ReloadConfigRequest;
import ch.ipng.maglev.proto.ReloadConfigResponse;
import ch.ipng.maglev.proto.SetWeightRequest;
import ch.ipng.maglev.proto.SyncVPPLBStateRequest;
import ch.ipng.maglev.proto.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gRPC API over a real TCP socket against a real daemon probing real servers. */
class GrpcApiTest {
  @TempDir Path dir;
  Path configFile;
  TestServers.Http web;
  Daemon daemon;
  EventBus bus;
  ManagedChannel channel;
  MaglevGrpc.MaglevBlockingStub stub;

  String config(int port, String extraBackend) {
    return """
        maglev:
          healthchecker:
            transition-history: 3
          healthchecks:
            http:
              type: http
              port: %d
              interval: 100ms
              timeout: 500ms
              params: { path: /healthz }
          backends:
            web1: { address: 127.0.0.1, healthcheck: http, description: first }
            spare: { address: 127.0.0.9, healthcheck: http, enabled: false }
        %s
          frontends:
            site:
              address: 192.0.2.1
              protocol: tcp
              port: 80
              description: the site
              pools:
                - name: main
                  backends: { web1: { weight: 40 } }
                - name: backup
                  backends: { spare: {} }
        """
        .formatted(port, extraBackend);
  }

  @BeforeEach
  void start() throws Exception {
    web = TestServers.http(200, "ok");
    configFile = dir.resolve("maglev.yaml");
    Files.writeString(configFile, config(web.port(), ""));
    bus = EventBus.create();
    LogFanout.install(bus, "warn");
    daemon =
        Daemon.start(
            new Daemon.Settings(
                configFile,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                true,
                null),
            ConfigLoader.load(configFile),
            bus);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", daemon.grpcPort()).usePlaintext().build();
    stub = MaglevGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                stub.getBackend(GetBackendRequest.newBuilder().setName("web1").build())
                    .getState()
                    .equals("up"));
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    daemon.close();
    web.close();
  }

  @Test
  void lists_andGets_describeTheRunningConfig() {
    var frontends =
        stub.listFrontends(ListFrontendsRequest.getDefaultInstance()).getFrontendsList();
    assertThat(frontends).hasSize(1);
    var site = frontends.get(0);
    assertThat(site.getName()).isEqualTo("site");
    assertThat(site.getAddress()).isEqualTo("192.0.2.1");
    assertThat(site.getProtocol()).isEqualTo("tcp");
    assertThat(site.getPort()).isEqualTo(80);
    assertThat(site.getDescription()).isEqualTo("the site");
    assertThat(site.getFlushOnDown()).isTrue();
    assertThat(site.getState()).isEqualTo("up");
    assertThat(site.getActivePool()).isZero();
    assertThat(site.getPools(0).getBackends(0).getWeight()).isEqualTo(40);
    assertThat(site.getPools(0).getBackends(0).getEffectiveWeight()).isEqualTo(40);
    assertThat(site.getPools(1).getBackends(0).getState()).isEqualTo("disabled");
    assertThat(site.getPools(1).getBackends(0).getFlush()).isTrue();

    var backends = stub.listBackends(ListBackendsRequest.getDefaultInstance()).getBackendsList();
    assertThat(backends).extracting(BackendInfo::getName).containsExactly("spare", "web1");
    BackendInfo web1 = stub.getBackend(GetBackendRequest.newBuilder().setName("web1").build());
    assertThat(web1.getAddress()).isEqualTo("127.0.0.1");
    assertThat(web1.getEnabled()).isTrue();
    assertThat(web1.getDescription()).isEqualTo("first");
    assertThat(web1.getFrontendsList()).containsExactly("site");
    assertThat(web1.getTransitions(0).getTo()).isEqualTo("up");
    assertThat(web1.getTransitions(0).getCode()).isEqualTo("L7OK");
    assertThat(web1.getProbesList()).isNotEmpty();
    assertThat(web1.getProbes(0).getDetail()).isEqualTo("status 200");
    assertThat(web1.getProbes(0).getLatencyNs()).isPositive();

    var checks =
        stub.listHealthChecks(ListHealthChecksRequest.getDefaultInstance()).getHealthchecksList();
    assertThat(checks).hasSize(1);
    var hc = stub.getHealthCheck(GetHealthCheckRequest.newBuilder().setName("http").build());
    assertThat(hc.getType()).isEqualTo("http");
    assertThat(hc.getIntervalNs()).isEqualTo(100_000_000L);
    assertThat(hc.getFastIntervalNs()).isEqualTo(100_000_000L);
    assertThat(hc.getParamsMap())
        .containsEntry("path", "/healthz")
        .containsEntry("response-code", "200-399");
    assertThat(hc.getBackendsList()).containsExactly("spare", "web1");
  }

  @Test
  void errors_haveTheRightCodesAndHumanMessages() {
    assertStatus(
        () -> stub.getBackend(GetBackendRequest.newBuilder().setName("x").build()),
        Status.Code.NOT_FOUND,
        "backend \"x\" not found");
    assertStatus(
        () -> stub.getFrontend(GetFrontendRequest.newBuilder().setName("x").build()),
        Status.Code.NOT_FOUND,
        "frontend \"x\" not found");
    assertStatus(
        () -> stub.getHealthCheck(GetHealthCheckRequest.newBuilder().setName("x").build()),
        Status.Code.NOT_FOUND,
        "health check \"x\" not found");
    assertStatus(
        () -> stub.pauseBackend(BackendRequest.newBuilder().setName("spare").build()),
        Status.Code.FAILED_PRECONDITION,
        "backend \"spare\": cannot pause a disabled backend");
    assertStatus(
        () -> stub.pauseBackend(BackendRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT,
        "name: empty (expected: a backend name)");
    assertStatus(
        () ->
            stub.setFrontendPoolBackendWeight(
                SetWeightRequest.newBuilder()
                    .setFrontend("site")
                    .setPool("main")
                    .setBackend("web1")
                    .setWeight(101)
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "weight: 101 (expected: 0-100)");
    assertStatus(
        () ->
            stub.setFrontendPoolBackendWeight(
                SetWeightRequest.newBuilder()
                    .setFrontend("site")
                    .setPool("main")
                    .setBackend("web1")
                    .setWeight(-1)
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "weight: 4294967295 (expected: 0-100)");
    for (Runnable vpp :
        List.<Runnable>of(
            () -> stub.getVPPInfo(GetVPPInfoRequest.getDefaultInstance()),
            () -> stub.getVPPLBState(GetVPPLBStateRequest.getDefaultInstance()),
            () -> stub.getVPPLBCounters(GetVPPLBCountersRequest.getDefaultInstance()),
            () -> stub.syncVPPLBState(SyncVPPLBStateRequest.getDefaultInstance()),
            () ->
                stub.previewFrontendPoolBackendWeight(
                    PreviewWeightRequest.newBuilder()
                        .setFrontend("site")
                        .setPool("main")
                        .setBackend("web1")
                        .build()))) {
      assertStatus(vpp::run, Status.Code.UNAVAILABLE, "VPP integration is not connected");
    }
    assertStatus(
        () -> stub.syncVPPLBState(SyncVPPLBStateRequest.newBuilder().setFrontend("nope").build()),
        Status.Code.NOT_FOUND,
        "frontend \"nope\" not found");
  }

  static void assertStatus(Runnable call, Status.Code code, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).isEqualTo(message);
            });
  }

  @Test
  void lifecycleAndWeight_throughTheApi() {
    BackendInfo paused = stub.pauseBackend(BackendRequest.newBuilder().setName("web1").build());
    assertThat(paused.getState()).isEqualTo("paused");
    var site = stub.getFrontend(GetFrontendRequest.newBuilder().setName("site").build());
    assertThat(site.getState()).isEqualTo("down");
    assertThat(site.getPools(0).getBackends(0).getEffectiveWeight()).isZero();
    assertThat(site.getPools(0).getBackends(0).getFlush()).isFalse();
    assertThat(stub.resumeBackend(BackendRequest.newBuilder().setName("web1").build()).getState())
        .isEqualTo("unknown");
    assertThat(
            stub.disableBackend(BackendRequest.newBuilder().setName("web1").build()).getEnabled())
        .isFalse();
    assertThat(stub.enableBackend(BackendRequest.newBuilder().setName("web1").build()).getState())
        .isEqualTo("unknown");
    await()
        .until(
            () ->
                stub.getBackend(GetBackendRequest.newBuilder().setName("web1").build())
                    .getState()
                    .equals("up"));
    var weighted =
        stub.setFrontendPoolBackendWeight(
            SetWeightRequest.newBuilder()
                .setFrontend("site")
                .setPool("main")
                .setBackend("web1")
                .setWeight(7)
                .build());
    assertThat(weighted.getPools(0).getBackends(0).getWeight()).isEqualTo(7);
    assertThat(weighted.getPools(0).getBackends(0).getEffectiveWeight()).isEqualTo(7);
    BackendInfo history = stub.getBackend(GetBackendRequest.newBuilder().setName("web1").build());
    // transition-history: 3 keeps the newest three, newest first (the resumed backend may have
    // come up before it was disabled)
    assertThat(history.getTransitionsList())
        .extracting(t -> t.getFrom() + ">" + t.getTo())
        .hasSize(3)
        .startsWith("unknown>up", "disabled>unknown")
        .last()
        .matches(t -> t.endsWith(">disabled"));
  }

  @Test
  void watchEvents_initialFrontends_transitions_andDebugLogs() throws Exception {
    MaglevGrpc.MaglevStub async = MaglevGrpc.newStub(channel);
    List<Event> got = new CopyOnWriteArrayList<>();
    StreamObserver<Event> collect =
        new StreamObserver<>() {
          @Override
          public void onNext(Event e) {
            got.add(e);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        };
    async.watchEvents(
        WatchRequest.newBuilder()
            .setFrontend(true)
            .setBackend(true)
            .setLog(true)
            .setLogLevel("debug")
            .build(),
        collect);
    await().until(() -> got.stream().anyMatch(Event::hasFrontend));
    Event first = got.get(0);
    assertThat(first.getFrontend().getName()).isEqualTo("site");
    assertThat(first.getFrontend().getFrom()).isEqualTo("up");
    assertThat(first.getFrontend().getTo()).isEqualTo("up");
    // Console is at warn, yet a debug subscriber gets probe records.
    await()
        .until(
            () ->
                got.stream().anyMatch(e -> e.hasLog() && e.getLog().getMsg().equals("probe-done")));
    stub.pauseBackend(BackendRequest.newBuilder().setName("web1").build());
    await()
        .until(
            () ->
                got.stream()
                    .anyMatch(
                        e ->
                            e.hasBackend()
                                && e.getBackend().getTransition().getTo().equals("paused")
                                && e.getBackend().getTransition().getCode().equals("paused")));
    await()
        .until(
            () ->
                got.stream()
                    .anyMatch(
                        e ->
                            e.hasLog()
                                && e.getLog().getMsg().equals("backend-transition")
                                && e.getLog().getAttrsMap().get("to").equals("paused")));
    await()
        .until(
            () ->
                got.stream()
                    .anyMatch(e -> e.hasFrontend() && e.getFrontend().getTo().equals("down")));
  }

  @Test
  void watchEvents_filters() {
    Iterator<Event> it =
        MaglevGrpc.newBlockingStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .watchEvents(WatchRequest.newBuilder().setBackend(true).build());
    // The call starts at once, but the server subscribes a moment later: pausing before that
    // would publish the transition to nobody.
    await().until(() -> bus.subscriberCount() > 0);
    stub.pauseBackend(BackendRequest.newBuilder().setName("web1").build());
    Event e = it.next();
    assertThat(e.hasBackend()).isTrue();
    assertThat(e.getBackend().getName()).isEqualTo("web1");
    assertStatus(
        () ->
            assertThat(
                    MaglevGrpc.newBlockingStub(channel)
                        .watchEvents(
                            WatchRequest.newBuilder().setLog(true).setLogLevel("loud").build())
                        .hasNext())
                .isFalse(),
        Status.Code.INVALID_ARGUMENT,
        "log_level: log level \"loud\" (expected: debug, info, warn or error)");
  }

  @Test
  void reflectionAndHealth_areServed() throws Exception {
    var health = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    List<ServerReflectionResponse> replies = new CopyOnWriteArrayList<>();
    var req =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse r) {
                    replies.add(r);
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
    req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    await().until(() -> !replies.isEmpty());
    req.onCompleted();
    assertThat(replies.get(0).getListServicesResponse().getServiceList())
        .extracting(s -> s.getName())
        .contains("maglev.Maglev", "grpc.health.v1.Health");
  }

  @Test
  void reload_invalidIsRefusedAndOldConfigKeeps_validIsApplied() throws Exception {
    Files.writeString(configFile, config(web.port(), "").replace("weight: 40", "weight: 400"));
    var check = stub.checkConfig(CheckConfigRequest.getDefaultInstance());
    assertThat(check.getOk()).isFalse();
    assertThat(check.getSemanticError())
        .isEqualTo(
            "maglev.frontends.site.pools[0].backends.web1.weight: weight 400 (expected: 0-100) (line 23, column 39)");
    ReloadConfigResponse refused = stub.reloadConfig(ReloadConfigRequest.getDefaultInstance());
    assertThat(refused.getOk()).isFalse();
    assertThat(refused.getSemanticError()).isEqualTo(check.getSemanticError());
    assertThat(
            stub.getFrontend(GetFrontendRequest.newBuilder().setName("site").build())
                .getPools(0)
                .getBackends(0)
                .getWeight())
        .isEqualTo(40);

    Files.writeString(configFile, "maglev: [");
    assertThat(stub.reloadConfig(ReloadConfigRequest.getDefaultInstance()).getParseError())
        .startsWith("YAML syntax:");

    Files.writeString(
        configFile,
        config(web.port(), "    web2: { address: 127.0.0.1, healthcheck: http }\n")
            .replace("weight: 40", "weight: 50"));
    assertThat(stub.reloadConfig(ReloadConfigRequest.getDefaultInstance()).getOk()).isTrue();
    assertThat(
            stub.getFrontend(GetFrontendRequest.newBuilder().setName("site").build())
                .getPools(0)
                .getBackends(0)
                .getWeight())
        .isEqualTo(50);
    await()
        .until(
            () ->
                stub.getBackend(GetBackendRequest.newBuilder().setName("web2").build())
                    .getState()
                    .equals("up"));
  }
}
