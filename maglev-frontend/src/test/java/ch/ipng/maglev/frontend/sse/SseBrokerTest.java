package ch.ipng.maglev.frontend.sse;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.frontend.sse.SseBroker.Client;
import ch.ipng.maglev.frontend.sse.SseBroker.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SseBrokerTest {
  /** A clock the test moves by hand. */
  static final class StepClock extends Clock {
    Instant now = Instant.parse("2026-11-25T10:00:00.123456789Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  static List<Event> drain(Client c) {
    List<Event> out = new ArrayList<>();
    for (Event e = c.poll(); e != null; e = c.poll()) {
      out.add(e);
    }
    return out;
  }

  @Test
  void ids_areEpochDashSeq_fromTheStartInUnixNanos() {
    SseBroker b = SseBroker.create(new StepClock());
    assertThat(b.epoch()).isEqualTo(1_795_600_800_123_456_789L);
    assertThat(b.publish("log", "{}").id()).isEqualTo("1795600800123456789-0");
    assertThat(b.publish("log", "{}").id()).isEqualTo("1795600800123456789-1");
  }

  @Test
  void newClient_getsOnlyLiveEvents() {
    SseBroker b = SseBroker.create(new StepClock());
    b.publish("log", "{\"n\":0}");
    Client c = b.subscribe(null, () -> {});
    b.publish("log", "{\"n\":1}");
    assertThat(drain(c)).extracting(Event::data).containsExactly("{\"n\":1}");
  }

  @Test
  void reconnectWithLastEventId_replaysExactlyTheMissedEvents_thenLiveOnes() {
    SseBroker b = SseBroker.create(new StepClock());
    List<Event> sent = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sent.add(b.publish("backend-transition", "{\"n\":" + i + "}"));
    }
    Client c = b.subscribe(sent.get(6).id(), () -> {});
    b.publish("backend-transition", "{\"n\":10}");
    assertThat(drain(c))
        .extracting(Event::data)
        .containsExactly("{\"n\":7}", "{\"n\":8}", "{\"n\":9}", "{\"n\":10}");
    // up to date: nothing to replay
    Client d = b.subscribe(b.publish("log", "{}").id(), () -> {});
    assertThat(drain(d)).isEmpty();
  }

  @Test
  void anotherEpoch_aGarbledId_orAnIdFromTheFuture_getResync() {
    SseBroker old = SseBroker.create(new StepClock());
    Event before = old.publish("log", "{}");
    StepClock later = new StepClock();
    later.now = later.now.plusSeconds(60);
    SseBroker b = SseBroker.create(later);
    b.publish("log", "{}");
    for (String id : List.of(before.id(), "garbage", b.epoch() + "-99", "-5")) {
      List<Event> got = drain(b.subscribe(id, () -> {}));
      assertThat(got).as(id).hasSize(1);
      assertThat(got.get(0).name()).isEqualTo("resync");
      // the resync carries the current id, so the next reconnect replays from here
      assertThat(got.get(0).id()).isEqualTo(b.epoch() + "-0");
    }
  }

  @Test
  void eventsOlderThan30s_orBeyondTheCount_leaveTheRing_andTheirClientsResync() {
    StepClock clock = new StepClock();
    SseBroker b = SseBroker.create(clock, 5, 100);
    Event first = b.publish("log", "{\"n\":0}");
    for (int i = 1; i < 5; i++) {
      b.publish("log", "{\"n\":" + i + "}");
    }
    // the ring holds 0..4; the client of event 0 misses 1..4: all still there
    assertThat(drain(b.subscribe(first.id(), () -> {}))).hasSize(4);
    Event fifth = b.publish("log", "{\"n\":5}"); // pushes 0 out
    assertThat(drain(b.subscribe(first.id(), () -> {}))).hasSize(5); // it needs 1..5: all there
    b.publish("log", "{\"n\":6}"); // pushes 1 out
    assertThat(drain(b.subscribe(first.id(), () -> {})))
        .extracting(Event::name)
        .containsExactly("resync");
    // age: 31 s later everything old has gone when the next event comes
    clock.now = clock.now.plus(Duration.ofSeconds(31));
    b.publish("log", "{\"n\":7}");
    assertThat(drain(b.subscribe(fifth.id(), () -> {})))
        .extracting(Event::name)
        .containsExactly("resync");
  }

  @Test
  void aClientThatDoesNotKeepUp_isCutOff_andTheOthersKeepReceiving() {
    SseBroker b = SseBroker.create(new StepClock(), 2000, 3);
    AtomicInteger wakes = new AtomicInteger();
    Client slow = b.subscribe(null, wakes::incrementAndGet);
    Client fast = b.subscribe(null, () -> {});
    List<Event> fastGot = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      b.publish("log", "{\"n\":" + i + "}");
      fastGot.addAll(drain(fast));
    }
    assertThat(slow.cutOff()).isTrue();
    assertThat(slow.closed()).isTrue();
    assertThat(wakes.get())
        .isEqualTo(4); // three queued, the fourth overflowed and woke it to close
    assertThat(fastGot).hasSize(10);
    assertThat(b.clientCount()).isEqualTo(1);
    fast.close();
    assertThat(b.clientCount()).isZero();
  }
}
