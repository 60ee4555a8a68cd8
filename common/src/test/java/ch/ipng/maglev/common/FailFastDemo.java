package ch.ipng.maglev.common;

import ch.ipng.maglev.common.logging.FatalErrorHook;
import ch.qos.logback.classic.LoggerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/** A JVM for {@link FailFastProcessTest}: installs FailFast, then fails where the test says. */
public final class FailFastDemo {
  private FailFastDemo() {}

  public static void main(String[] args) throws Exception {
    FailFast.install();
    ((LoggerContext) LoggerFactory.getILoggerFactory()).addTurboFilter(FatalErrorHook.create());
    switch (args[0]) {
      case "thread-stack-overflow" -> Thread.ofPlatform().name("recursing").start(() -> recurse(0));
      case "executor-oom" -> {
        // an executor keeps what its task throws in a future nobody reads: Tasks must not let it
        ScheduledExecutorService e = Executors.newSingleThreadScheduledExecutor();
        var unused =
            e.scheduleWithFixedDelay(
                Tasks.surviving(LoggerFactory.getLogger("demo"), "fill", FailFastDemo::fill),
                0,
                1,
                TimeUnit.MILLISECONDS);
      }
      case "logged-oom" -> {
        // what a Netty event loop does with a task's throwable: log it and carry on
        try {
          fill();
        } catch (OutOfMemoryError e) {
          LoggerFactory.getLogger("io.netty.util.concurrent.SingleThreadEventExecutor")
              .warn("A task raised an exception.", e);
        }
      }
      case "own-logged-stack-overflow" -> {
        // our own code caught it and decided to go on (a reload of a deeply nested config)
        try {
          recurse(0);
        } catch (StackOverflowError e) {
          LoggerFactory.getLogger("ch.ipng.maglev.daemon.ConfigReloader")
              .warn("config-reload-failed", e);
        }
        System.out.println("survived");
        System.exit(0);
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
    Thread.sleep(20_000); // the test fails if the process is still here (it waits 30 s at most)
    System.out.println("still running");
  }

  @SuppressWarnings("InfiniteRecursion") // the point: a StackOverflowError
  private static int recurse(int n) {
    return recurse(n + 1) + 1;
  }

  static volatile int sink;

  /** Fills the heap; what it holds is freed as the error unwinds its frame, as in a real OOM. */
  private static void fill() {
    List<long[]> hog = new ArrayList<>();
    while (true) {
      hog.add(new long[1 << 16]);
      sink = hog.size();
    }
  }
}
