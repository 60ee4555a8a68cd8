package ch.ipng.maglev.daemon.override;

import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.model.WeightKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The overrides in force, one per {@link OperatorOverride.Key}: immutable, and every rule about
 * them is a pure function of the book, the live facts and a time given as an argument, so expiry
 * and staleness are tested with a fixed clock.
 */
public final class OverrideBook {
  /** The empty book. */
  public static final OverrideBook EMPTY = new OverrideBook(Map.of());

  /** Stable order: backend, then slot, then frontend and pool. */
  static final Comparator<OperatorOverride.Key> KEY_ORDER =
      Comparator.comparing(OperatorOverride.Key::backend)
          .thenComparing(OperatorOverride.Key::slot)
          .thenComparing(k -> Objects.requireNonNullElse(k.frontend(), ""))
          .thenComparing(k -> Objects.requireNonNullElse(k.pool(), ""));

  private final Map<OperatorOverride.Key, OperatorOverride> entries;

  private OverrideBook(Map<OperatorOverride.Key, OperatorOverride> entries) {
    this.entries = entries;
  }

  /** A book of these overrides; a later one with the same key replaces an earlier one. */
  public static OverrideBook of(Collection<OperatorOverride> overrides) {
    Map<OperatorOverride.Key, OperatorOverride> m = new LinkedHashMap<>();
    overrides.forEach(o -> m.put(o.key(), o));
    return new OverrideBook(sorted(m));
  }

  private static Map<OperatorOverride.Key, OperatorOverride> sorted(
      Map<OperatorOverride.Key, OperatorOverride> m) {
    Map<OperatorOverride.Key, OperatorOverride> out = new LinkedHashMap<>();
    m.keySet().stream().sorted(KEY_ORDER).forEach(k -> out.put(k, m.get(k)));
    return java.util.Collections.unmodifiableMap(out);
  }

  /** The book with {@code o} in force (replacing any override with its key). */
  public OverrideBook with(OperatorOverride o) {
    Map<OperatorOverride.Key, OperatorOverride> m = new LinkedHashMap<>(entries);
    m.put(o.key(), o);
    return new OverrideBook(sorted(m));
  }

  /** The book without the override of {@code key}; this book when it has none. */
  public OverrideBook without(OperatorOverride.Key key) {
    if (!entries.containsKey(key)) {
      return this;
    }
    Map<OperatorOverride.Key, OperatorOverride> m = new LinkedHashMap<>(entries);
    m.remove(key);
    return new OverrideBook(sorted(m));
  }

  public Optional<OperatorOverride> get(OperatorOverride.Key key) {
    return Optional.ofNullable(entries.get(key));
  }

  /** Every override, in key order (backend, then pause, enablement, weights). */
  public List<OperatorOverride> all() {
    return List.copyOf(entries.values());
  }

  /** The overrides of one backend, in key order. */
  public List<OperatorOverride> of(String backend) {
    return entries.values().stream().filter(o -> o.backend().equals(backend)).toList();
  }

  public int size() {
    return entries.size();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The overrides expired at {@code now}, earliest expiry first (ties in key order). */
  public List<OperatorOverride> due(Instant now) {
    List<OperatorOverride> out = new ArrayList<>();
    for (OperatorOverride o : entries.values()) {
      if (o.expiredAt(now)) {
        out.add(o);
      }
    }
    out.sort(Comparator.comparing(o -> Objects.requireNonNull(o.until())));
    return out;
  }

  /** The earliest expiry of any override, if any has one. */
  public Optional<Instant> nextExpiry() {
    return entries.values().stream()
        .map(OperatorOverride::until)
        .filter(Objects::nonNull)
        .min(Comparator.naturalOrder());
  }

  /** What maglevd knows now about a backend, for {@link #stale}. */
  public record BackendFacts(BackendState state, boolean configEnabled) {}

  /**
   * The overrides that no longer describe what is in force, so they are dropped: a backend gone
   * from the config; a pause of a backend not paused; a disable of a backend not disabled or that
   * the config disables itself; an enable of a backend that is disabled or that the config enables
   * itself; a weight that is not the operator weight of its entry (a reload dropped it, the config
   * lost the entry).
   *
   * @param backends a backend's facts, or null for one not in the config
   * @param weights the operator weight in force for a pool entry, or null for none
   */
  public List<OperatorOverride> stale(
      Function<String, @Nullable BackendFacts> backends,
      Function<WeightKey, @Nullable Integer> weights) {
    List<OperatorOverride> out = new ArrayList<>();
    for (OperatorOverride o : entries.values()) {
      BackendFacts f = backends.apply(o.backend());
      boolean keep =
          f != null
              && switch (o.kind()) {
                case PAUSE -> f.state() == BackendState.PAUSED;
                case DISABLE -> f.state() == BackendState.DISABLED && f.configEnabled();
                case ENABLE -> f.state() != BackendState.DISABLED && !f.configEnabled();
                case WEIGHT -> Objects.equals(weights.apply(o.key().weightKey()), o.weight());
              };
      if (!keep) {
        out.add(o);
      }
    }
    return out;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof OverrideBook b && b.entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "OverrideBook" + entries.values();
  }
}
