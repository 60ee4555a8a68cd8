package ch.ipng.maglev.config;

import ch.ipng.maglev.common.ArrayMap;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code maglev.frontends.<name>}: a VIP and its priority-ordered pools.
 *
 * @param port destination port, 0 for all ports
 * @param onAllDown what happens to the weights when no backend is up
 * @param minHealthy the percentage (0-100, 0 = off) of the active pool's health-checked backends
 *     that must be up; below it the pool is in panic and all of them carry traffic
 * @param slowStart the frontend's {@code slow-start}: how long a backend that comes up ramps to its
 *     weight; null when not set (each backend's health check's applies), zero for off
 * @param slowStartMaxChurn {@code slow-start-max-churn}: the percentage (1-100) of the VIP's
 *     new-flow buckets one slow-start step may move
 * @param maxDrain the removal budget: the percentage (0-100, 0 = off) of the frontend's serving
 *     weight that health alone may remove within {@code maxDrainWindow}; further removals are held
 * @param maxDrainWindow the removal budget's window
 */
public record Frontend(
    String name,
    String description,
    InetAddress address,
    Protocol protocol,
    int port,
    boolean srcIpSticky,
    boolean flushOnDown,
    OnAllDown onAllDown,
    int minHealthy,
    int maxDrain,
    Duration maxDrainWindow,
    List<Pool> pools,
    @Nullable Duration slowStart,
    int slowStartMaxChurn) {
  /** {@code max-drain-window} when not set. */
  public static final Duration DEFAULT_MAX_DRAIN_WINDOW = Duration.ofMinutes(1);

  /** The default {@code slow-start-max-churn}: one step moves at most 10 % of the buckets. */
  public static final int DEFAULT_SLOW_START_MAX_CHURN = 10;

  public Frontend {
    pools = List.copyOf(pools);
  }

  /**
   * A frontend without a removal budget and without its own slow-start keys (the health checks'
   * slow-start applies).
   */
  public Frontend(
      String name,
      String description,
      InetAddress address,
      Protocol protocol,
      int port,
      boolean srcIpSticky,
      boolean flushOnDown,
      OnAllDown onAllDown,
      int minHealthy,
      List<Pool> pools) {
    this(
        name,
        description,
        address,
        protocol,
        port,
        srcIpSticky,
        flushOnDown,
        onAllDown,
        minHealthy,
        0,
        DEFAULT_MAX_DRAIN_WINDOW,
        pools,
        null,
        DEFAULT_SLOW_START_MAX_CHURN);
  }

  /** Whether any pool references the backend. */
  public boolean references(String backend) {
    return pools.stream().anyMatch(p -> p.backends().containsKey(backend));
  }

  /**
   * One priority tier: backend name → configured weight (0–100), in config order.
   *
   * @param backends backend name to weight, in config order
   */
  public record Pool(String name, Map<String, Integer> backends) {
    public static final int DEFAULT_WEIGHT = 100;

    public Pool {
      // an array map: every frontend status maglevd makes shares this pool's keys
      backends = ArrayMap.copyOf(backends);
    }
  }
}
