package ch.ipng.maglev.frontend.upstream;

import ch.ipng.maglev.frontend.sse.SseBroker;
import com.google.gson.JsonArray;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Every maglevd of --server, in that order, each named by its host (host:port if shared). */
public final class Maglevds implements AutoCloseable {
  private final List<MaglevdClient> clients;
  private final ScheduledExecutorService loops;

  private Maglevds(List<MaglevdClient> clients, ScheduledExecutorService loops) {
    this.clients = List.copyOf(clients);
    this.loops = loops;
  }

  /**
   * Connects to every address.
   *
   * @throws IllegalArgumentException naming an address that is empty or given twice
   */
  public static Maglevds start(List<String> addresses, SseBroker broker) {
    return start(addresses, broker, io.grpc.InsecureChannelCredentials.create());
  }

  /** As above, every channel made with {@code credentials} (TLS towards maglevd, or plaintext). */
  public static Maglevds start(
      List<String> addresses, SseBroker broker, io.grpc.ChannelCredentials credentials) {
    return start(addresses, broker, a -> credentials);
  }

  /** As above, each address's channel made with its own credentials. */
  public static Maglevds start(
      List<String> addresses,
      SseBroker broker,
      java.util.function.Function<String, io.grpc.ChannelCredentials> credentials) {
    Map<String, Integer> hosts = new HashMap<>();
    for (String a : addresses) {
      String host = MaglevdClient.hostOf(a);
      if (host == null) {
        throw new IllegalArgumentException(
            "--server: \"" + a + "\" (expected: host:port, e.g. lb0.example.net:9090)");
      }
      hosts.merge(host, 1, Integer::sum);
    }
    if (addresses.stream().distinct().count() != addresses.size()) {
      throw new IllegalArgumentException("--server: an address is listed twice: " + addresses);
    }
    ScheduledExecutorService loops =
        Executors.newScheduledThreadPool(
            1, r -> Thread.ofPlatform().daemon().name("maglevd-loops").unstarted(r));
    List<MaglevdClient> clients = new ArrayList<>();
    for (String a : addresses) {
      String host = MaglevdClient.hostOf(a);
      String name = hosts.get(host) > 1 ? a : host;
      clients.add(MaglevdClient.start(name, a, broker, loops, credentials.apply(a)));
    }
    return new Maglevds(clients, loops);
  }

  public List<MaglevdClient> clients() {
    return clients;
  }

  /** {@code [{"name","address","connected","last_error"}, …]} in --server order. */
  public String statusJson() {
    JsonArray a = new JsonArray();
    clients.forEach(c -> a.add(MaglevdClient.status(c)));
    return a.toString();
  }

  /** Every maglevd's state, in --server order. */
  public String stateJson() {
    return clients.stream()
        .map(MaglevdClient::stateJson)
        .collect(java.util.stream.Collectors.joining(",", "[", "]"));
  }

  /** One maglevd's state, by its name. */
  public java.util.Optional<String> stateJson(String name) {
    return clients.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .map(MaglevdClient::stateJson);
  }

  /** The names, for error messages. */
  public List<String> names() {
    return clients.stream().map(MaglevdClient::name).toList();
  }

  @Override
  public void close() {
    loops.shutdownNow();
    clients.forEach(MaglevdClient::close);
  }
}
