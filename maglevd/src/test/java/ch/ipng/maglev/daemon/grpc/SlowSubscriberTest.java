package ch.ipng.maglev.daemon.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.checker.Checker;
import ch.ipng.maglev.daemon.checker.ProbeListener;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.events.MaglevEvent;
import ch.ipng.maglev.daemon.health.Jitter;
import ch.ipng.maglev.daemon.model.ModelHub;
import ch.ipng.maglev.daemon.probe.Probers;
import ch.ipng.maglev.daemon.testing.Configs;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.WatchRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A WatchEvents client that stops reading is dropped; the others and the publisher carry on. */
class SlowSubscriberTest {
  @Test
  void slowClient_isDroppedWithResourceExhausted_fastClientGetsEverything() throws Exception {
    EventBus bus = EventBus.create();
    ModelHub models = ModelHub.create();
    Checker checker =
        Checker.of(
            bus,
            Jitter.of(new SplittableRandom(1)),
            ProbeListener.NONE,
            ns -> Probers.of(ns, "test"),
            models);
    checker.apply(Configs.parse("maglev: {}\n"));
    ConfigCommands none =
        new ConfigCommands() {
          @Override
          public Outcome check() {
            return new Outcome(true, "", "");
          }

          @Override
          public Outcome reload() {
            return new Outcome(true, "", "");
          }
        };
    MaglevService service = MaglevService.of(checker, models, bus, none, 64);
    try (GrpcServer server =
        GrpcServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), service, false)) {
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      WatchRequest req = WatchRequest.newBuilder().setLog(true).setLogLevel("debug").build();

      // The slow client asks for one message and then never reads again.
      AtomicReference<Status> slowStatus = new AtomicReference<>();
      ClientCall<WatchRequest, Event> slow =
          ch.newCall(MaglevGrpc.getWatchEventsMethod(), CallOptions.DEFAULT);
      slow.start(
          new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
              slowStatus.set(status);
            }
          },
          new Metadata());
      slow.sendMessage(req);
      slow.halfClose();
      slow.request(1);

      // The fast client reads everything.
      AtomicInteger fastCount = new AtomicInteger();
      ClientCall<WatchRequest, Event> fast =
          ch.newCall(MaglevGrpc.getWatchEventsMethod(), CallOptions.DEFAULT);
      fast.start(
          new ClientCall.Listener<>() {
            @Override
            public void onMessage(Event e) {
              fastCount.incrementAndGet();
              fast.request(1);
            }
          },
          new Metadata());
      fast.sendMessage(req);
      fast.halfClose();
      fast.request(1);
      await().until(() -> bus.subscriberCount() == 2);

      // Publish in bursts the fast client can absorb; the slow one's transport fills up and then
      // its queue. Publishing itself never waits for anyone.
      int n = 5_000;
      String padding = "x".repeat(200);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      for (int i = 0; i < n; i++) {
        bus.publish(
            new MaglevEvent.LogRecord(Instant.now(), "info", "msg-" + i, Map.of("p", padding)));
        if (i % 32 == 31) {
          while (fastCount.get() < i + 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
          }
        }
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> fastCount.get() == n);
      assertThat(bus.subscriberCount()).isEqualTo(1);
      slow.request(Integer.MAX_VALUE);
      await().atMost(Duration.ofSeconds(10)).until(() -> slowStatus.get() != null);
      assertThat(slowStatus.get().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(slowStatus.get().getDescription()).isEqualTo("too slow: 64 events not read");
      ch.shutdownNow();
    } finally {
      checker.close();
    }
  }
}
