package ch.ipng.maglev.daemon.override;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.TestServers;
import ch.ipng.maglev.proto.BackendInfo;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.GetBackendRequest;
import ch.ipng.maglev.proto.GetVPPInfoRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.OverrideEvent;
import ch.ipng.maglev.proto.OverrideInfo;
import ch.ipng.maglev.proto.WatchRequest;
import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overrides through real maglevd processes: a short real ttl, persistence across kill -9 with
 * maglev-vppsim watched throughout, bad state files, and kill -9 during a stream of changes.
 */
class OverridesProcessTest {
  @TempDir Path dir;
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** HTTP backends on one port of a random 127.x.y.0/24, so each has its own address. */
  record Backends(String net, int port) {}

  Backends backends(int n) throws IOException {
    for (int attempt = 0; ; attempt++) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      String net = "127." + r.nextInt(1, 255) + "." + r.nextInt(0, 256) + ".";
      List<TestServers.Http> started = new ArrayList<>();
      try {
        int port = 0;
        for (int i = 1; i <= n; i++) {
          TestServers.Http h = TestServers.http(InetAddress.getByName(net + i), port, 200, "ok");
          started.add(h);
          port = h.port();
        }
        open.addAll(started);
        return new Backends(net, port);
      } catch (BindException e) {
        started.forEach(TestServers.Http::close);
        if (attempt == 20) {
          throw e;
        }
      }
    }
  }

  Path config(Backends b, boolean vpp) throws IOException {
    Path file = dir.resolve("maglev.yaml");
    Files.writeString(
        file,
        (vpp
                ? """
                maglev:
                  vpp:
                    lb:
                      ipv4-src-address: 192.0.2.254
                      ipv6-src-address: 2001:db8::254
                      sync-interval: 1h
                      startup-min-delay: 1s
                      startup-max-delay: 3s
                """
                : "maglev:\n")
            + """
              healthchecks:
                web: { type: http, port: %d, interval: 200ms, timeout: 1s, rise: 1, fall: 1 }
              backends:
                a: { address: %s1, healthcheck: web }
                b: { address: %s2, healthcheck: web }
                c: { address: %s3, healthcheck: web }
              frontends:
                web:
                  address: %s100
                  protocol: tcp
                  port: 80
                  pools: [ { name: p, backends: { a: {}, b: {}, c: {} } } ]
            """
                .formatted(b.port(), b.net(), b.net(), b.net(), b.net()));
    return file;
  }

  DaemonProcess maglevd(Path config, Path state, String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of("--config", config.toString()));
    args.add("--state-file=" + state);
    args.addAll(List.of(more));
    DaemonProcess d = DaemonProcess.start(dir, List.of(), args.toArray(String[]::new));
    open.add(d);
    return d;
  }

  MaglevGrpc.MaglevBlockingStub stub(DaemonProcess d) {
    ManagedChannel ch =
        NettyChannelBuilder.forAddress("127.0.0.1", d.grpcPort()).usePlaintext().build();
    open.add(ch::shutdownNow);
    return MaglevGrpc.newBlockingStub(ch);
  }

  static MaglevGrpc.MaglevBlockingStub in30s(MaglevGrpc.MaglevBlockingStub s) {
    return s.withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  static BackendInfo backend(MaglevGrpc.MaglevBlockingStub s, String name) {
    return in30s(s).getBackend(GetBackendRequest.newBuilder().setName(name).build());
  }

  static BackendRequest pause(String name, String reason, Duration ttl) {
    return BackendRequest.newBuilder()
        .setName(name)
        .setReason(reason)
        .setTtlNs(ttl.toNanos())
        .build();
  }

  /** AS address → weight, for the active ASes of a VIP, as the simulator has them. */
  static Map<String, Integer> weights(LbClient lb, VipKey vip) {
    Map<String, Integer> out = new TreeMap<>();
    for (LbClient.As as : VppConnection.await(lb.ass(vip))) {
      if (as.active()) {
        out.put(as.address().getHostAddress(), as.weight());
      }
    }
    return out;
  }

  static OverrideEvent nextOverride(Iterator<Event> events) {
    while (true) {
      Event e = events.next();
      if (e.hasOverride()) {
        return e.getOverride();
      }
    }
  }

  @Test
  void aShortTtl_expiresByItself_withAnEvent_aLogLine_andAnExpiryGauge() throws Exception {
    Backends b = backends(3);
    DaemonProcess d = maglevd(config(b, false), dir.resolve("state.json"));
    MaglevGrpc.MaglevBlockingStub s = stub(d);
    await().atMost(Duration.ofSeconds(20)).until(() -> backend(s, "a").getState().equals("up"));
    Iterator<Event> events =
        s.withDeadlineAfter(60, TimeUnit.SECONDS)
            .watchEvents(WatchRequest.newBuilder().setOverride(true).setFrontend(true).build());
    // the synthetic frontend event comes once the stream is subscribed: no override is missed
    assertThat(events.next().hasFrontend()).isTrue();

    // a long one first, for the gauge (the short one may be gone before a slow scrape)
    in30s(s).pauseBackend(pause("b", "long test", Duration.ofHours(1)));
    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + d.metricsPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .containsPattern(
            "maglev_backend_override_expiry_timestamp_seconds\\{backend=\"b\",frontend=\"\","
                + "kind=\"pause\",pool=\"\"} [0-9.E]+");
    assertThat(nextOverride(events).getOverride().getBackend()).isEqualTo("b");

    BackendInfo paused = in30s(s).pauseBackend(pause("a", "short test", Duration.ofSeconds(2)));
    assertThat(paused.getState()).isEqualTo("paused");
    OverrideInfo o = paused.getOverrides(0);
    assertThat(o.getKind()).isEqualTo("pause");
    assertThat(o.getActor()).startsWith("peer 127.0.0.1:");
    assertThat(o.getReason()).isEqualTo("short test");
    assertThat(o.getUntilNs() - o.getSinceNs()).isEqualTo(Duration.ofSeconds(2).toNanos());

    assertThat(nextOverride(events).getAction()).isEqualTo("set");
    OverrideEvent expired = nextOverride(events); // about 2 s later, from the expiry loop
    assertThat(expired.getAction()).isEqualTo("expired");
    assertThat(expired.getOverride().getReason()).isEqualTo("short test");
    assertThat(expired.getBy()).isEqualTo("maglevd");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              BackendInfo a = backend(s, "a");
              assertThat(a.getState()).isEqualTo("up");
              assertThat(a.getOverridesList()).isEmpty();
              assertThat(a.getTransitionsList())
                  .anySatisfy(
                      t ->
                          assertThat(t.getDetail())
                              .startsWith("override expired: pause by peer 127.0.0.1:"));
            });
    assertThat(d.log()).contains("\"msg\":\"override-expired\"");
    assertThat(StateCodec.decode(Files.readString(dir.resolve("state.json"))))
        .extracting(OperatorOverride::backend)
        .containsExactly("b");
  }

  @Test
  void pausedBackends_stayAtZeroInTheSimulator_throughAKill9AndARestart() throws Exception {
    Backends b = backends(3);
    Path config = config(b, true);
    Path state = dir.resolve("state.json");
    SimProcess sim = SimProcess.start(dir);
    open.add(sim::close);
    String[] vpp = {"--vpp-api-addr=" + sim.api(), "--vpp-stats-addr=" + sim.stats()};
    DaemonProcess first = maglevd(config, state, vpp);
    VppConnection conn =
        VppConnection.connect(
            sim.api(), "overrides-test", Duration.ofSeconds(5), LbClient.REQUIRED);
    open.add(conn);
    LbClient lb = new LbClient(conn);
    VipKey vip = new VipKey(InetAddress.getByName(b.net() + "100"), 32, 6, 80);
    String a = b.net() + "1";
    String bb = b.net() + "2";
    String c = b.net() + "3";
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(weights(lb, vip)).isEqualTo(Map.of(a, 100, bb, 100, c, 100)));
    MaglevGrpc.MaglevBlockingStub s1 = stub(first);
    in30s(s1).pauseBackend(pause("a", "kernel upgrade", Duration.ZERO));
    in30s(s1).pauseBackend(pause("b", "disk swap", Duration.ofHours(2)));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(weights(lb, vip)).isEqualTo(Map.of(a, 0, bb, 0, c, 100)));

    // From here on the simulator is read without pause until maglevd has started again and
    // finished its warm-up: a and b must never carry weight.
    List<String> seen = new CopyOnWriteArrayList<>();
    AtomicInteger polls = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    Thread poller =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!stop.get()) {
                    Map<String, Integer> w = weights(lb, vip);
                    if (w.getOrDefault(a, 0) != 0 || w.getOrDefault(bb, 0) != 0) {
                      seen.add(w.toString());
                    }
                    polls.incrementAndGet();
                  }
                });
    await().until(() -> polls.get() > 10);
    first.close(); // SIGKILL
    assertThat(first.waitFor(Duration.ofSeconds(30))).isEqualTo(137);
    int beforeRestart = polls.get();

    DaemonProcess second = maglevd(config, state, vpp);
    MaglevGrpc.MaglevBlockingStub s2 = stub(second);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                in30s(s2).getVPPInfo(GetVPPInfoRequest.getDefaultInstance()).hasWarmUp()
                    && !in30s(s2)
                        .getVPPInfo(GetVPPInfoRequest.getDefaultInstance())
                        .getWarmUp()
                        .getActive());
    // and a while after the warm-up's end, in which maglevd writes what it wants
    int atWarm = polls.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> polls.get() > atWarm + 50);
    stop.set(true);
    poller.join();
    assertThat(seen).as("weights of a or b above 0 during the restart").isEmpty();
    assertThat(polls.get()).isGreaterThan(beforeRestart + 50);
    assertThat(weights(lb, vip)).isEqualTo(Map.of(a, 0, bb, 0, c, 100));

    BackendInfo pa = backend(s2, "a");
    assertThat(pa.getState()).isEqualTo("paused");
    assertThat(pa.getOverrides(0).getActor()).startsWith("peer 127.0.0.1:");
    assertThat(pa.getOverrides(0).getReason()).isEqualTo("kernel upgrade");
    assertThat(pa.getOverrides(0).getUntilNs()).isZero();
    BackendInfo pb = backend(s2, "b");
    assertThat(pb.getState()).isEqualTo("paused");
    assertThat(pb.getOverrides(0).getReason()).isEqualTo("disk swap");
    assertThat(pb.getOverrides(0).getUntilNs()).isPositive();
    assertThat(second.log()).contains("\"msg\":\"state-file-read\"", "\"overrides\":\"2\"");
  }

  @Test
  void aTruncatedGarbageOrNewerStateFile_startsWithoutOverrides_keepsItAsBad_andSaysSo()
      throws Exception {
    Backends b = backends(3);
    Path config = config(b, false);
    Path state = dir.resolve("state.json");
    String good =
        StateCodec.encode(
            List.of(
                OperatorOverride.lifecycle(
                    "a",
                    OperatorOverride.Kind.PAUSE,
                    "peer 127.0.0.1:1",
                    "x",
                    java.time.Instant.now(),
                    null)),
            java.time.Instant.now());
    Map<String, String> cases =
        Map.of(
            "truncated", good.substring(0, good.length() - 20),
            "garbage", "\u007fELF\u0002\u0001\u0001garbage",
            "newer", good.replace("\"version\": 1", "\"version\": 2"));
    for (Map.Entry<String, String> e : cases.entrySet()) {
      Files.writeString(state, e.getValue());
      DaemonProcess d = maglevd(config, state);
      MaglevGrpc.MaglevBlockingStub s = stub(d);
      assertThat(backend(s, "a").getState()).as(e.getKey()).isNotEqualTo("paused");
      assertThat(backend(s, "a").getOverridesList()).isEmpty();
      assertThat(Files.readString(dir.resolve("state.json.bad"))).isEqualTo(e.getValue());
      assertThat(d.log())
          .as(e.getKey())
          .contains("\"msg\":\"state-file-bad\"", "\"action\":\"starting without overrides\"");
      if (e.getKey().equals("newer")) {
        assertThat(d.log()).contains("a newer maglevd wrote it");
      }
      // it starts afresh: the next change writes a good file
      in30s(s).pauseBackend(pause("b", "after", Duration.ZERO));
      assertThat(StateCodec.decode(Files.readString(state))).hasSize(1);
      d.close();
      d.waitFor(Duration.ofSeconds(30));
    }
  }

  @Test
  void kill9_duringAStreamOf1000Changes_leavesAStateFileThatParses() throws Exception {
    Backends b = backends(3);
    Path config = config(b, false);
    Path state = dir.resolve("state.json");
    DaemonProcess d = maglevd(config, state);
    MaglevGrpc.MaglevBlockingStub s = stub(d);
    int killAt = ThreadLocalRandom.current().nextInt(100, 900);
    AtomicInteger acked = new AtomicInteger();
    AtomicBoolean failed = new AtomicBoolean();
    Thread stream =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    for (int i = 0; i < 1000; i++) {
                      String name = List.of("a", "b", "c").get(i % 3);
                      BackendRequest r = pause(name, "change " + i, Duration.ofHours(1));
                      if ((i / 3) % 2 == 0) {
                        in30s(s).pauseBackend(r);
                      } else {
                        in30s(s).resumeBackend(pause(name, "change " + i, Duration.ZERO));
                      }
                      acked.incrementAndGet();
                    }
                  } catch (RuntimeException e) {
                    failed.set(true); // the kill ends the stream
                  }
                });
    await().atMost(Duration.ofSeconds(120)).until(() -> acked.get() >= killAt);
    d.close(); // SIGKILL, with calls in flight
    d.waitFor(Duration.ofSeconds(30));
    stream.join();
    int done = acked.get();
    assertThat(done).as("the kill came during the stream").isLessThan(1000);

    List<OperatorOverride> left = StateCodec.decode(Files.readString(state));
    // the file holds every acknowledged change, and at most the one in flight after it
    assertThat(left.size()).isBetween(0, 3);
    assertThat(left).allSatisfy(o -> assertThat(o.reason()).startsWith("change "));
    int newest =
        left.stream().mapToInt(o -> Integer.parseInt(o.reason().substring(7))).max().orElse(-1);
    assertThat(newest).isLessThanOrEqualTo(done);
    // the last acknowledged change is in it: a pause is there, a resume took its pause away
    int last = done - 1;
    String lastName = List.of("a", "b", "c").get(last % 3);
    List<String> reasonsOfLast =
        left.stream()
            .filter(o -> o.backend().equals(lastName))
            .map(OperatorOverride::reason)
            .toList();
    if ((last / 3) % 2 == 0) {
      assertThat(reasonsOfLast).containsExactly("change " + last);
    } else {
      assertThat(reasonsOfLast).isEmpty();
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("state.json.bad");
    }

    // and a maglevd started on it reads it
    DaemonProcess again = maglevd(config, state);
    stub(again);
    assertThat(again.log()).contains("\"msg\":\"state-file-read\"");
    assertThat(again.log()).doesNotContain("state-file-bad");
  }
}
