package ch.ipng.maglev.frontend.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.frontend.http.AdminApi;
import ch.ipng.maglev.frontend.http.FlowQuery;
import ch.ipng.maglev.proto.LookupVPPLBFlowRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.VPPLBFlow;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lookups in flight to one maglevd are bounded: one past the bound is answered 503 at once, without
 * a call, and lookups are taken again as the answers come (a maglevd that holds its answers stands
 * in for a slow one); and they are paced (429 past the burst, on a fixed clock).
 */
class FlowLookupLimitTest {
  final List<StreamObserver<VPPLBFlow>> held = new CopyOnWriteArrayList<>();
  Server server;
  ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(
                new MaglevGrpc.MaglevImplBase() {
                  @Override
                  public void lookupVPPLBFlow(
                      LookupVPPLBFlowRequest req, StreamObserver<VPPLBFlow> out) {
                    held.add(out);
                  }
                })
            .build()
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  static void answer(StreamObserver<VPPLBFlow> out) {
    out.onNext(VPPLBFlow.newBuilder().setAsAddress("10.0.0.1").setBackend("a").build());
    out.onCompleted();
  }

  @Test
  void onePastTheBound_is503AtOnce_andLookupsAreTakenAgainAsAnswersCome() throws Exception {
    // a deadline far longer than the test: only the bound decides, however loaded the machine
    // and a pace that never refuses here: only the in-flight bound is tested
    FlowCalls c =
        new FlowCalls(
            "lb0", channel, Duration.ofMinutes(5), new Pace(1_000, 1_000, System::nanoTime));
    FlowQuery q = new FlowQuery("198.51.100.7", 40000, "192.0.2.1", 80, "tcp");
    List<CompletableFuture<AdminApi.Reply>> waiting = new ArrayList<>();
    for (int i = 0; i < FlowCalls.MAX_IN_FLIGHT; i++) {
      waiting.add(c.lookup(q));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> held.size() == FlowCalls.MAX_IN_FLIGHT);
    assertThat(waiting).noneMatch(CompletableFuture::isDone);

    AdminApi.Reply refused = c.lookup(q).get(10, TimeUnit.SECONDS);
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.json())
        .isEqualTo(
            "{\"error\":\"too many flow lookups in flight to lb0 (limit "
                + FlowCalls.MAX_IN_FLIGHT
                + "): try again\"}");
    assertThat(held).hasSize(FlowCalls.MAX_IN_FLIGHT); // no call was made for it

    // one answer frees one place
    // (the server may take the calls in any order: which lookup it answered is not known)
    answer(held.get(0));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> waiting.stream().anyMatch(CompletableFuture::isDone));
    List<CompletableFuture<AdminApi.Reply>> done =
        waiting.stream().filter(CompletableFuture::isDone).toList();
    assertThat(done).hasSize(1);
    assertThat(done.get(0).get().status()).isEqualTo(200);
    CompletableFuture<AdminApi.Reply> next = c.lookup(q);
    await().atMost(Duration.ofSeconds(30)).until(() -> held.size() == FlowCalls.MAX_IN_FLIGHT + 1);
    answer(held.get(FlowCalls.MAX_IN_FLIGHT));
    AdminApi.Reply r = next.get(10, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json()).contains("\"as_address\":\"10.0.0.1\"", "\"backend\":\"a\"");

    // failures free their places too: maglevd going away answers every held lookup
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    for (CompletableFuture<AdminApi.Reply> w : waiting) {
      assertThat(w.get(10, TimeUnit.SECONDS).status()).isIn(200, 503, 502);
    }
    AdminApi.Reply after = c.lookup(q).get(10, TimeUnit.SECONDS);
    assertThat(after.json()).doesNotContain("too many flow lookups");
  }

  @Test
  void lookupsArePaced_pastTheBurst_429AtOnceWithoutACall_andTakenAgainAsTimePasses()
      throws Exception {
    long[] now = {0};
    FlowCalls c =
        new FlowCalls("lb0", channel, Duration.ofMinutes(5), new Pace(2, 3, () -> now[0]));
    FlowQuery q = new FlowQuery("198.51.100.7", 40000, "192.0.2.1", 80, "tcp");
    for (int i = 0; i < 3; i++) {
      var unused = c.lookup(q);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> held.size() == 3);
    AdminApi.Reply refused = c.lookup(q).get(10, TimeUnit.SECONDS);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.json())
        .isEqualTo(
            "{\"error\":\"too many flow lookups to lb0 (at most 2 a second): try again in a"
                + " moment\"}");
    now[0] += 499_000_000L; // not quite one token back
    assertThat(c.lookup(q).get(10, TimeUnit.SECONDS).status()).isEqualTo(429);
    now[0] += 1_000_000L;
    CompletableFuture<AdminApi.Reply> taken = c.lookup(q);
    await().atMost(Duration.ofSeconds(30)).until(() -> held.size() == 4);
    assertThat(taken).isNotDone();
    assertThat(held).hasSize(4); // the refused ones made no call
  }

  @Test
  void pace_refillsAtItsRate_upToTheBurst() {
    long[] now = {0};
    Pace p = new Pace(5, 2, () -> now[0]);
    assertThat(p.take()).isTrue();
    assertThat(p.take()).isTrue();
    assertThat(p.take()).isFalse();
    now[0] += 10_000_000_000L; // ten seconds: still only the burst
    assertThat(p.take()).isTrue();
    assertThat(p.take()).isTrue();
    assertThat(p.take()).isFalse();
    now[0] += 200_000_000L; // one fifth of a second: one token
    assertThat(p.take()).isTrue();
    assertThat(p.take()).isFalse();
  }
}
