import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * maglevd-frontend under load: 500 concurrent SSE clients on one frontend while 100 backends of a
 * real maglevd flap. Event delivery latency from maglevd's event time to each client, the
 * frontend's CPU over the flaps and its RSS. Run by bench/frontend.sh with the build directory
 * and a scratch directory.
 */
public class FrontendBench {
  static final int CLIENTS = 500;
  static final int BACKENDS = 100;
  static final int ROUNDS = 5;

  public static void main(String[] args) throws Exception {
    Path build = Path.of(args[0]);
    Path dir = Path.of(args[1]);
    int port = 18300;
    for (int i = 0; i < BACKENDS; i++) {
      up(i, port);
    }
    StringBuilder y = new StringBuilder("maglev:\n  healthchecks:\n    tcp: { type: tcp, port: ")
        .append(port).append(", interval: 1s, timeout: 500ms, rise: 1, fall: 1 }\n  backends:\n");
    for (int i = 0; i < BACKENDS; i++) {
      y.append("    b").append(i).append(": { address: ").append(backend(i)).append(", healthcheck: tcp }\n");
    }
    y.append("  frontends:\n");
    for (int f = 0; f < 10; f++) {
      y.append("    f").append(f).append(":\n      address: 198.18.0.").append(f + 1)
          .append("\n      protocol: tcp\n      port: 80\n      pools:\n        - name: main\n          backends: {");
      for (int k = 0; k < 10; k++) {
        y.append(k == 0 ? " " : ", ").append('b').append(f * 10 + k).append(": {}");
      }
      y.append(" }\n");
    }
    Path config = dir.resolve("maglev.yaml");
    Files.writeString(config, y);
    Process maglevd = new ProcessBuilder(build.resolve("bin/maglevd").toString(), "--config", config.toString(),
            "--grpc-addr", "127.0.0.1:19390", "--metrics-addr", "", "--vpp-api-addr", "")
        .redirectErrorStream(true).redirectOutput(dir.resolve("maglevd.log").toFile()).start();
    Process frontend = new ProcessBuilder(build.resolve("bin/maglevd-frontend").toString(),
            "--server", "127.0.0.1:19390", "--listen", "127.0.0.1:19380")
        .redirectErrorStream(true).redirectOutput(dir.resolve("frontend.log").toFile()).start();
    int exit = 0;
    try {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      waitUntil(() -> get(http, "http://127.0.0.1:19380/view/api/maglevds").contains("\"connected\":true"), 60);

      Map<Integer, Long> received = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
      AtomicLong transitions = new AtomicLong();
      List<InputStream> streams = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        HttpResponse<InputStream> r = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:19380/view/api/events")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        streams.add(r.body());
        int client = c;
        Thread.ofVirtual().start(() -> read(r.body(), client, received, latencies, transitions));
      }
      waitUntil(() -> received.size() == CLIENTS, 60); // every client has seen a probe record

      long cpuBefore = cpuTicks(frontend.pid());
      long wallBefore = System.nanoTime();
      for (int round = 0; round < ROUNDS; round++) {
        long want = (long) (2 * round + 1) * BACKENDS * CLIENTS;
        for (int i = 0; i < BACKENDS; i++) {
          down(i);
        }
        waitUntil(() -> transitions.get() >= want, 60);
        for (int i = 0; i < BACKENDS; i++) {
          up(i, port);
        }
        waitUntil(() -> transitions.get() >= want + (long) BACKENDS * CLIENTS, 60);
      }
      double cpuSeconds = (cpuTicks(frontend.pid()) - cpuBefore) / 100.0;
      double wallSeconds = (System.nanoTime() - wallBefore) / 1e9;
      long rssKb = status(frontend.pid(), "VmRSS:");
      long hwmKb = status(frontend.pid(), "VmHWM:");

      List<Long> l = new ArrayList<>(latencies);
      l.sort(null);
      System.out.printf("%d SSE clients, %d backends flapping %d times: %,d transition events delivered%n",
          CLIENTS, BACKENDS, ROUNDS, l.size());
      System.out.printf("delivery latency (maglevd's event -> client): p50 %.1f ms, p99 %.1f ms, max %.1f ms (target p99 < 250 ms)%n",
          l.get(l.size() / 2) / 1e3, l.get(l.size() * 99 / 100) / 1e3, l.getLast() / 1e3);
      System.out.printf("frontend CPU over the flaps: %.1f s in %.1f s (%.0f %% of one core)%n",
          cpuSeconds, wallSeconds, 100 * cpuSeconds / wallSeconds);
      System.out.printf("frontend RSS: %d MB now, %d MB peak (target <= 256 MB)%n", rssKb / 1024, hwmKb / 1024);
      streams.forEach(s -> { try { s.close(); } catch (Exception e) { /* closing */ } });
    } catch (Exception e) {
      System.out.println("bench-frontend failed: " + e);
      exit = 1;
    } finally {
      frontend.destroy();
      maglevd.destroy();
      frontend.waitFor();
      maglevd.waitFor();
      System.exit(exit);
    }
  }

  /** Reads one client's stream; times every backend transition against maglevd's event time. */
  static void read(InputStream in, int client, Map<Integer, Long> received, ConcurrentLinkedQueue<Long> latencies,
      AtomicLong transitions) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String event = "";
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          if (event.equals("backend-transition")) {
            Instant now = Instant.now();
            JsonObject o = JsonParser.parseString(line.substring(6)).getAsJsonObject();
            long at = Long.parseLong(o.get("time_ns").getAsString());
            long nowNs = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            latencies.add((nowNs - at) / 1000);
            transitions.incrementAndGet();
          } else if (event.equals("log")) {
            received.putIfAbsent(client, 1L);
          }
        }
      }
    } catch (Exception e) {
      // closed at the end
    }
  }

  static final Map<Integer, ServerSocket> listeners = new ConcurrentHashMap<>();

  static void up(int i, int port) throws Exception {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getByName(backend(i)), port), 64);
    listeners.put(i, s);
    Thread.ofVirtual().start(() -> {
      while (!s.isClosed()) {
        try {
          s.accept().close();
        } catch (java.io.IOException e) {
          // closed by down()
        }
      }
    });
  }

  static void down(int i) throws Exception {
    listeners.remove(i).close();
  }

  static String backend(int i) {
    return "127.3." + (i / 250) + "." + (i % 250 + 1);
  }

  static String get(HttpClient http, String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "";
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void waitUntil(Check c, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!c.ok()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not reached within " + seconds + " s");
      }
      Thread.sleep(50);
    }
  }

  static long cpuTicks(long pid) throws Exception {
    String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceFirst("^.*\\) ", "").split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
  }

  static long status(long pid, String key) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
