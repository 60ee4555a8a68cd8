package ch.ipng.maglev.daemon.dataplane;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ch.ipng.maglev.config.Backend;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.EffectiveWeights;
import ch.ipng.maglev.daemon.model.FrontendStatus;
import ch.ipng.maglev.vpp.maglev.MaglevTable;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a runtime pool-weight change would do to the new-flow (Maglev) table of a frontend's VIP,
 * before it is made. Pure: no I/O.
 *
 * <p>The weights after the change are the daemon's own: the pool weight replaced, the effective
 * weights recomputed ({@link EffectiveWeights}) and the VIP derived from them ({@link DesiredVip}),
 * which is what a sync of the VIP writes. Whether the change reaches VPP is whether those weights
 * differ from the ones without the change, so "the backend carries traffic" is not a rule of its
 * own here. The tables are the lb plugin's ({@link MaglevTable}): they depend only on the table
 * length and the active ASes' addresses and weights, so the AS indices need not be VPP's.
 */
public final class WeightPreview {
  private WeightPreview() {}

  /** One AS record VPP holds for the VIP; inactive ones (removed) await garbage collection. */
  public record Held(InetAddress address, int weight, boolean active) {
    public Held {
      requireNonNull(address, "address");
    }
  }

  /**
   * One AS now and after the change.
   *
   * @param backend the backend with this address, or "" when the config has none
   * @param weightBefore VPP's weight now, 0 when VPP holds no active AS for the address
   * @param weightAfter the weight once written, 0 when the AS would be removed
   */
  public record Row(
      InetAddress address,
      String backend,
      int weightBefore,
      int weightAfter,
      int bucketsBefore,
      int bucketsAfter) {}

  /**
   * The preview.
   *
   * @param moved buckets whose AS would change
   * @param reachesVpp the weights maglevd programs for the VIP change with the new pool weight
   * @param reason why they do not, when they do not; empty otherwise
   * @param pending VPP's active ASes differ from what maglevd wants even without the change (a
   *     weight change writes the whole VIP, so those writes are part of "after" too)
   * @param rows every AS active now or after, in {@link DesiredVip#ADDRESS_ORDER}
   */
  public record Result(
      int tableLength,
      int moved,
      boolean reachesVpp,
      String reason,
      boolean pending,
      List<Row> rows) {
    public Result {
      rows = List.copyOf(rows);
    }
  }

  /**
   * Computes the preview.
   *
   * @param now the frontend's live status (pool weights, backend states)
   * @param pool the pool's name; it must be one of the frontend's and hold {@code backend}
   * @param weight the new pool weight, 0–100
   * @param tableLength the VIP's table length in VPP, a power of two
   * @param held the AS records VPP holds for the VIP
   */
  public static Result of(
      Config config,
      FrontendStatus now,
      String pool,
      String backend,
      int weight,
      int tableLength,
      List<Held> held) {
    Frontend f = now.frontend();
    int poolIndex = -1;
    for (int i = 0; i < f.pools().size(); i++) {
      if (f.pools().get(i).name().equals(pool)) {
        poolIndex = i;
      }
    }
    checkArgument(poolIndex >= 0, "pool: %s (expected: a pool of frontend %s)", pool, f.name());
    Integer current = now.weights().get(poolIndex).get(backend);
    checkArgument(current != null, "backend: %s (expected: a backend of pool %s)", backend, pool);
    checkArgument(weight >= 0 && weight <= 100, "weight: %s (expected: 0-100)", weight);
    checkArgument(
        tableLength > 0 && Integer.bitCount(tableLength) == 1,
        "tableLength: %s (expected: a power of two)",
        tableLength);

    FrontendStatus after = withWeight(now, poolIndex, backend, weight);
    DesiredVip want = DesiredVip.of(config, now);
    DesiredVip then = DesiredVip.of(config, after);
    Map<InetAddress, Integer> wanted = weights(want);
    Map<InetAddress, Integer> written = weights(then);
    Map<InetAddress, Integer> vpp = new HashMap<>();
    for (Held h : held) {
      if (h.active()) {
        vpp.put(h.address(), h.weight());
      }
    }
    boolean reaches = !written.equals(wanted);

    Set<InetAddress> all = new HashSet<>(vpp.keySet());
    all.addAll(written.keySet());
    List<InetAddress> ordered = DesiredVip.inAddressOrder(all);
    List<MaglevTable.Server> before = new ArrayList<>();
    List<MaglevTable.Server> later = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i++) {
      InetAddress a = ordered.get(i);
      Integer w = vpp.get(a);
      if (w != null) {
        before.add(new MaglevTable.Server(i + 1, a, w, true));
      }
      w = written.get(a);
      if (w != null) {
        later.add(new MaglevTable.Server(i + 1, a, w, true));
      }
    }
    int[] tableBefore = MaglevTable.compute(tableLength, before);
    int[] tableAfter = MaglevTable.compute(tableLength, later);
    int[] countsBefore = MaglevTable.counts(tableBefore, ordered.size());
    int[] countsAfter = MaglevTable.counts(tableAfter, ordered.size());
    int moved = 0;
    for (int b = 0; b < tableLength; b++) {
      if (tableBefore[b] != tableAfter[b]) {
        moved++;
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i++) {
      InetAddress a = ordered.get(i);
      rows.add(
          new Row(
              a,
              name(config, a, then, want),
              vpp.getOrDefault(a, 0),
              written.getOrDefault(a, 0),
              countsBefore[i + 1],
              countsAfter[i + 1]));
    }
    String reason = reaches ? "" : reason(after, poolIndex, pool, backend, weight, current, config);
    return new Result(tableLength, moved, reaches, reason, !vpp.equals(wanted), rows);
  }

  /** The frontend as the checker would have it with the one pool weight replaced. */
  static FrontendStatus withWeight(FrontendStatus now, int pool, String backend, int weight) {
    List<Map<String, Integer>> weights = new ArrayList<>();
    for (Map<String, Integer> p : now.weights()) {
      weights.add(new LinkedHashMap<>(p));
    }
    weights.get(pool).put(backend, weight);
    Map<String, BackendState> states = now.states();
    EffectiveWeights.View view =
        EffectiveWeights.compute(weights, states::get, now.frontend().flushOnDown());
    return new FrontendStatus(now.frontend(), weights, states, view);
  }

  private static Map<InetAddress, Integer> weights(DesiredVip d) {
    Map<InetAddress, Integer> out = new HashMap<>();
    d.ases().forEach((a, w) -> out.put(a, w.weight()));
    return out;
  }

  private static String name(Config config, InetAddress a, DesiredVip then, DesiredVip want) {
    String n = then.backends().get(a);
    if (n == null) {
      n = want.backends().get(a);
    }
    if (n == null) {
      for (Backend b : config.backends().values()) { // by name: the first, as VPP's state names it
        if (b.address().equals(a)) {
          return b.name();
        }
      }
      return "";
    }
    return n;
  }

  /** Why the weights maglevd programs stay the same, in the terms of the effective weights. */
  private static String reason(
      FrontendStatus after,
      int poolIndex,
      String pool,
      String backend,
      int weight,
      int current,
      Config config) {
    String f = after.frontend().name();
    if (weight == current) {
      return "backend \"%s\" has weight %d in pool \"%s\" already".formatted(backend, weight, pool);
    }
    BackendState state = requireNonNull(after.states().get(backend), "state");
    if (state != BackendState.UP) {
      return "backend \"%s\" is %s: a pool weight reaches VPP only while the backend is up"
          .formatted(backend, state.label());
    }
    int active = after.view().activePool();
    if (active != poolIndex) {
      String which =
          active < 0 ? "no pool is" : "\"" + after.frontend().pools().get(active).name() + "\" is";
      return "pool \"%s\" is not the active pool of frontend \"%s\" (%s): its weights reach VPP only while it is"
          .formatted(pool, f, which);
    }
    Backend b = config.backends().get(backend);
    String address = b == null ? "?" : b.address().getHostAddress();
    return "the weights maglevd programs for frontend \"%s\" stay the same: another backend with address %s has a larger weight, and VPP holds one AS per address"
        .formatted(f, address);
  }
}
