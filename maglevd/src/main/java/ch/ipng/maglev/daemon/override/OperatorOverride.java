package ch.ipng.maglev.daemon.override;

import ch.ipng.maglev.daemon.model.WeightKey;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One operator override in force: what was set, by whom, why, since when and until when.
 *
 * @param key what it is about (a backend's pause, its enablement, or one pool weight)
 * @param kind what the operator set
 * @param weight the weight for {@link Kind#WEIGHT}, 0-100; -1 otherwise
 * @param actor who set it, e.g. "peer 192.0.2.1:40312"
 * @param reason why, as given; may be empty
 * @param until when it reverts by itself; null for never
 */
public record OperatorOverride(
    Key key,
    Kind kind,
    int weight,
    String actor,
    String reason,
    Instant since,
    @Nullable Instant until) {

  /** The longest reason kept, in characters. */
  public static final int MAX_REASON = 512;

  /** The longest actor kept, in characters. */
  public static final int MAX_ACTOR = 256;

  public OperatorOverride {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(since, "since");
    if (kind.slot() != key.slot()) {
      throw new IllegalArgumentException("kind: " + kind + " (expected: one for " + key + ")");
    }
    if (kind == Kind.WEIGHT ? weight < 0 || weight > 100 : weight != -1) {
      throw new IllegalArgumentException(
          "weight: " + weight + " (expected: " + (kind == Kind.WEIGHT ? "0-100" : "-1") + ")");
    }
    if (reason.length() > MAX_REASON) {
      throw new IllegalArgumentException(
          "reason: " + reason.length() + " characters (expected: at most " + MAX_REASON + ")");
    }
    if (actor.length() > MAX_ACTOR) {
      actor = actor.substring(0, MAX_ACTOR);
    }
    if (until != null && until.isBefore(since)) {
      throw new IllegalArgumentException(
          "until: " + until + " (expected: not before since " + since + ")");
    }
  }

  /** A pause, disable or enable of a backend. */
  public static OperatorOverride lifecycle(
      String backend,
      Kind kind,
      String actor,
      String reason,
      Instant since,
      @Nullable Instant until) {
    Key key = kind == Kind.PAUSE ? Key.pause(backend) : Key.enablement(backend);
    return new OperatorOverride(key, kind, -1, actor, reason, since, until);
  }

  /** A pool weight. */
  public static OperatorOverride weight(
      WeightKey entry,
      int weight,
      String actor,
      String reason,
      Instant since,
      @Nullable Instant until) {
    return new OperatorOverride(
        Key.weight(entry), Kind.WEIGHT, weight, actor, reason, since, until);
  }

  /** Whether it has expired at {@code now}: its until is set and not after now. */
  public boolean expiredAt(Instant now) {
    return until != null && !until.isAfter(now);
  }

  public Optional<Instant> expiry() {
    return Optional.ofNullable(until);
  }

  /** The backend it is about. */
  public String backend() {
    return key.backend();
  }

  /** A short description for logs: "pause of nginx0", "weight 20 of web/primary/nginx0". */
  public String describe() {
    return kind == Kind.WEIGHT
        ? "weight " + weight + " of " + key.frontend() + "/" + key.pool() + "/" + key.backend()
        : kind.label() + " of " + key.backend();
  }

  /** What an override sets. */
  public enum Kind {
    /** The backend is paused. */
    PAUSE(Slot.PAUSE),
    /** The backend is disabled though the config enables it. */
    DISABLE(Slot.ENABLEMENT),
    /** The backend is enabled though the config disables it. */
    ENABLE(Slot.ENABLEMENT),
    /** A pool weight other than the config's. */
    WEIGHT(Slot.WEIGHT);

    private final Slot slot;

    Kind(Slot slot) {
      this.slot = slot;
    }

    Slot slot() {
      return slot;
    }

    /** "pause", "disable", "enable", "weight". */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The kind of a label, or empty. */
    public static Optional<Kind> of(String label) {
      for (Kind k : values()) {
        if (k.label().equals(label)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  /** Which overrides exclude each other: one per key. */
  public enum Slot {
    PAUSE,
    ENABLEMENT,
    WEIGHT
  }

  /**
   * What an override is about: a backend's pause, its enablement (disable or enable), or one pool
   * weight. A backend has at most one override per key.
   */
  public record Key(Slot slot, String backend, @Nullable String frontend, @Nullable String pool) {
    public Key {
      Objects.requireNonNull(slot, "slot");
      Objects.requireNonNull(backend, "backend");
      if ((slot == Slot.WEIGHT) != (frontend != null && pool != null)) {
        throw new IllegalArgumentException(
            "frontend/pool: " + frontend + "/" + pool + " (expected: set only for a weight)");
      }
    }

    public static Key pause(String backend) {
      return new Key(Slot.PAUSE, backend, null, null);
    }

    public static Key enablement(String backend) {
      return new Key(Slot.ENABLEMENT, backend, null, null);
    }

    public static Key weight(WeightKey k) {
      return new Key(Slot.WEIGHT, k.backend(), k.frontend(), k.pool());
    }

    /** The pool entry of a weight key. */
    public WeightKey weightKey() {
      if (slot != Slot.WEIGHT) {
        throw new IllegalStateException("not a weight key: " + this);
      }
      return new WeightKey(Objects.requireNonNull(frontend), Objects.requireNonNull(pool), backend);
    }
  }
}
