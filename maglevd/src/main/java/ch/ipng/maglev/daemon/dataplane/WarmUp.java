package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.config.VppLbSettings;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.model.FrontendStatus;
import ch.ipng.maglev.daemon.model.LiveModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The startup warm-up, so a restart of maglevd never writes half-known state over a working VPP.
 * Until {@code startup-min-delay} nothing is written; after it, a frontend is released (written)
 * once every backend it references has a known state; at {@code startup-max-delay} the warm-up
 * ends: everything is written and VIPs no frontend wants may be deleted. Pure: time comes in as an
 * argument, so every rule is tested with a fixed clock. Not thread-safe (the dataplane thread).
 */
final class WarmUp {
  /** What one tick decided: whether the warm-up just ended, and the frontends just released. */
  record Step(boolean ended, List<String> released) {
    static final Step NOTHING = new Step(false, List.of());
  }

  private final Instant startedAt;
  private final Set<String> released = new HashSet<>();
  private boolean warm;

  WarmUp(Instant startedAt) {
    this.startedAt = startedAt;
  }

  /** Whether the warm-up is over. */
  boolean warm() {
    return warm;
  }

  /** Before {@code startup-min-delay}: nothing is written at all. */
  boolean handsOff(VppLbSettings lb, Instant now) {
    return Duration.between(startedAt, now).compareTo(lb.startupMinDelay()) < 0;
  }

  private boolean pastMaxDelay(VppLbSettings lb, Instant now) {
    return Duration.between(startedAt, now).compareTo(lb.startupMaxDelay()) >= 0;
  }

  /**
   * Whether a frontend may be written: once warm, or once all of its backends have a known state
   * (and then for good).
   */
  boolean released(LiveModel model, String frontend, Instant now) {
    if (warm || released.contains(frontend)) {
      return true;
    }
    if (handsOff(model.config().vppLb(), now)) {
      return false;
    }
    Optional<FrontendStatus> s = model.frontend(frontend);
    if (s.isPresent() && !s.get().states().containsValue(BackendState.UNKNOWN)) {
      released.add(frontend);
      return true;
    }
    return false;
  }

  /**
   * Advances the warm-up: ends it past {@code startup-max-delay}, else releases the frontends that
   * became ready, in VIP order (the same config in any key order writes the same sequence).
   */
  Step tick(LiveModel model, Instant now) {
    VppLbSettings lb = model.config().vppLb();
    if (warm || handsOff(lb, now)) {
      return Step.NOTHING;
    }
    if (pastMaxDelay(lb, now)) {
      warm = true;
      return new Step(true, List.of());
    }
    // Only frontends not yet released are looked at: this runs every 100 ms until the end.
    List<Frontend> ready = new ArrayList<>();
    for (Frontend f : model.config().frontends().values()) {
      if (!released.contains(f.name()) && released(model, f.name(), now)) {
        ready.add(f);
      }
    }
    DesiredVip.sortByVip(ready, DesiredVip::keyOf);
    return new Step(false, ready.stream().map(Frontend::name).toList());
  }

  /** The warm-up as GetVPPInfo shows it. */
  WarmUpView view(LiveModel model) {
    VppLbSettings lb = model.config().vppLb();
    List<String> held =
        warm
            ? List.of()
            : model.config().frontends().keySet().stream()
                .filter(f -> !released.contains(f))
                .sorted()
                .toList();
    return new WarmUpView(
        !warm, startedAt.plus(lb.startupMinDelay()), startedAt.plus(lb.startupMaxDelay()), held);
  }
}
