package ch.ipng.maglev.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Repeated library and client-error lines are bounded per kind and window (a manual clock). */
class RepeatLimitTest {
  private final AtomicLong nanos = new AtomicLong();
  private final LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
  private final RepeatLimit limit = RepeatLimit.of(3, Duration.ofMinutes(1), nanos::get);

  @BeforeEach
  void attach() {
    seen.setContext(ctx);
    seen.start();
    ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(seen);
    ctx.addTurboFilter(limit);
  }

  @AfterEach
  void detach() {
    ctx.getTurboFilterList().remove(limit);
    ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(seen);
  }

  private long count(String msg) {
    return seen.list.stream().filter(e -> e.getMessage().equals(msg)).count();
  }

  @Test
  void aLibraryLine_printsThreeTimesAMinute_thenOneSummaryWithTheCount() {
    Logger grpc = ctx.getLogger("io.grpc.internal.SerializingExecutor");
    grpc.setLevel(Level.WARN);
    for (int i = 0; i < 1000; i++) {
      grpc.error("Exception while executing runnable {}", i);
    }
    assertThat(count("Exception while executing runnable {}")).isEqualTo(3);
    assertThat(count("log-suppressed")).isZero();

    nanos.addAndGet(Duration.ofMinutes(1).toNanos());
    grpc.error("Exception while executing runnable {}", 1001);
    assertThat(count("Exception while executing runnable {}")).isEqualTo(4);
    ILoggingEvent summary =
        seen.list.stream().filter(e -> e.getMessage().equals("log-suppressed")).findFirst().get();
    assertThat(summary.getKeyValuePairs())
        .extracting(kv -> kv.key + "=" + kv.value)
        .contains("logger=io.grpc.internal.SerializingExecutor", "suppressed=997");
  }

  @Test
  void ownLines_areNotLimited_unlessMarkedAsClientErrors() {
    org.slf4j.Logger own = LoggerFactory.getLogger("ch.ipng.maglev.Something");
    for (int i = 0; i < 10; i++) {
      own.info("backend-transition");
      own.atWarn().addMarker(RepeatLimit.CLIENT_ERROR).setMessage("grpc-bad-request").log();
    }
    assertThat(count("backend-transition")).isEqualTo(10);
    assertThat(count("grpc-bad-request")).isEqualTo(3);
  }

  @Test
  void kinds_areCountedApart_andTheirNumberIsBounded() {
    Logger netty = ctx.getLogger("io.netty.Test");
    for (int i = 0; i < RepeatLimit.MAX_KINDS + 100; i++) {
      netty.warn("kind " + i + " " + "x".repeat(RepeatLimit.KIND_CHARS));
    }
    // the first MAX_KINDS kinds print once each; the rest share one budget of three
    assertThat(seen.list).hasSize(RepeatLimit.MAX_KINDS + 3);
    assertThat(RepeatLimit.kind("l", Level.WARN, "m", new IllegalStateException()))
        .isEqualTo("l|WARN|java.lang.IllegalStateException");
  }

  @Test
  void quietKindsAreForgottenOnceTheirWindowIsOver_andDisabledLevelsAreNoKinds() {
    Logger netty = ctx.getLogger("io.netty.Forget");
    netty.setLevel(Level.INFO);
    for (int i = 0; i < 5_000; i++) {
      netty.debug("below the level " + i); // never a record: no kind, no budget used
    }
    for (int i = 0; i < RepeatLimit.MAX_KINDS; i++) {
      netty.warn("kind " + i);
    }
    assertThat(seen.list).hasSize(RepeatLimit.MAX_KINDS);
    nanos.addAndGet(Duration.ofMinutes(1).toNanos());
    // the table was full, but every kind in it is over its window with nothing held back
    for (int i = 0; i < 10; i++) {
      netty.warn("a new kind " + i);
    }
    assertThat(seen.list).hasSize(RepeatLimit.MAX_KINDS + 10);
  }
}
