package ch.ipng.maglev.daemon.health;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** ±10% jitter on probe intervals, so probes do not fire in lock-step after a restart. */
public final class Jitter {
  /** The fraction of the interval a probe may move either way. */
  public static final double FRACTION = 0.10;

  private final RandomGenerator random;

  private Jitter(RandomGenerator random) {
    this.random = random;
  }

  public static Jitter of(RandomGenerator random) {
    return new Jitter(random);
  }

  /** {@code d} scaled by a uniform factor in [0.9, 1.1]. */
  public Duration apply(Duration d) {
    double factor = 1.0 + (random.nextDouble() * 2 - 1) * FRACTION;
    return Duration.ofNanos(Math.round(d.toNanos() * factor));
  }
}
