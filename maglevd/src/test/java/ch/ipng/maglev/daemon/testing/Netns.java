package ch.ipng.maglev.daemon.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** A real network namespace made with ip(8) for a test, with loopback up; needs root. */
public final class Netns implements AutoCloseable {
  private final String name;

  private Netns(String name) {
    this.name = name;
  }

  /** Why namespaces cannot be made here, or null if they can. */
  public static String unavailableReason() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "not root (network namespaces need CAP_SYS_ADMIN)";
    }
    try {
      if (run(List.of("ip", "-V")) != 0) {
        return "ip(8) is not installed";
      }
    } catch (IOException | InterruptedException e) {
      return "ip(8) is not installed: " + e.getMessage();
    }
    return null;
  }

  public static Netns create() throws IOException, InterruptedException {
    String name = "maglevtest" + ThreadLocalRandom.current().nextInt(1_000_000);
    check(run(List.of("ip", "netns", "add", name)), "ip netns add " + name);
    Netns n = new Netns(name);
    check(run(List.of("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up")), "lo up");
    return n;
  }

  public String name() {
    return name;
  }

  private static void check(int rc, String what) throws IOException {
    if (rc != 0) {
      throw new IOException(what + " failed with exit status " + rc);
    }
  }

  static int run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    if (rc != 0) {
      System.err.println(String.join(" ", cmd) + ": " + out);
    }
    return rc;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run(List.of("ip", "netns", "del", name));
  }
}
