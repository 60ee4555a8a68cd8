package ch.ipng.maglev.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class TasksTest {
  @Test
  void surviving_keepsAPeriodicTaskScheduled_afterItThrows() throws InterruptedException {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    try {
      CountDownLatch runs = new CountDownLatch(3);
      List<RuntimeException> failures = new CopyOnWriteArrayList<>();
      ScheduledFuture<?> f =
          executor.scheduleWithFixedDelay(
              Tasks.surviving(
                  () -> {
                    runs.countDown();
                    throw new IllegalStateException("boom");
                  },
                  failures::add),
              0,
              1,
              TimeUnit.MILLISECONDS);
      assertThat(runs.await(10, TimeUnit.SECONDS)).as("ran three times").isTrue();
      assertThat(f.isDone()).isFalse();
      assertThat(failures).isNotEmpty().allMatch(e -> e.getMessage().equals("boom"));
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void surviving_letsErrorsThrough() {
    Runnable r =
        Tasks.surviving(
            () -> {
              throw new AssertionError("fatal");
            },
            e -> {});
    assertThatThrownBy(r::run).isInstanceOf(AssertionError.class).hasMessage("fatal");
  }

  @Test
  void surviving_withALogger_logsWhatFailedAtWarn_withTheException() {
    Logger logger = new LoggerContext().getLogger(TasksTest.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    IllegalStateException boom = new IllegalStateException("boom");

    Tasks.surviving(
            logger,
            "vpp-ping",
            () -> {
              throw boom;
            })
        .run();

    assertThat(appender.list).hasSize(1);
    ILoggingEvent event = appender.list.getFirst();
    assertThat(event.getLevel()).isEqualTo(Level.WARN);
    assertThat(event.getFormattedMessage()).isEqualTo("vpp-ping-failed");
    assertThat(event.getKeyValuePairs())
        .extracting((KeyValuePair kv) -> kv.key + "=" + kv.value)
        .containsExactly("error=java.lang.IllegalStateException: boom");
    assertThat(event.getThrowableProxy().getMessage()).isEqualTo("boom");
  }

  @Test
  void surviving_runsTheTask() {
    int[] runs = {0};
    Tasks.surviving(() -> runs[0]++, e -> {}).run();
    assertThat(runs[0]).isEqualTo(1);
  }
}
