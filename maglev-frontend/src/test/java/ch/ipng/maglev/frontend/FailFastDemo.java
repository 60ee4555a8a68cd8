package ch.ipng.maglev.frontend;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.slf4j.LoggerFactory;

/**
 * A real maglevd-frontend ({@link Main#main}, with the rest of the arguments) for {@link
 * FailFastProcessTest}; when a line arrives on stdin, a fatal error happens where the first
 * argument says. This class installs nothing itself: what ends the process is Main's own wiring.
 */
public final class FailFastDemo {
  private FailFastDemo() {}

  public static void main(String[] args) throws Exception {
    String where = args[0];
    Thread.ofPlatform()
        .name("frontend-main")
        .start(() -> Main.main(Arrays.copyOfRange(args, 1, args.length)));
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      if (in.readLine() == null) {
        return; // the test went away
      }
    }
    switch (where) {
      case "thread-stack-overflow" ->
          Thread.ofPlatform().name("recursing").start(() -> recurse(0)).join();
      case "library-logged-oom" ->
          // what a Netty event loop does with a task's throwable: log it and carry on
          LoggerFactory.getLogger("io.netty.util.concurrent.SingleThreadEventExecutor")
              .warn("A task raised an exception.", new OutOfMemoryError("Java heap space"));
      default -> throw new IllegalArgumentException(where);
    }
    Thread.sleep(20_000); // the test fails if the process is still here
    System.out.println("still running");
  }

  @SuppressWarnings("InfiniteRecursion") // the point: a StackOverflowError
  private static int recurse(int n) {
    return recurse(n + 1) + 1;
  }
}
