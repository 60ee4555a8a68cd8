package ch.ipng.maglev.daemon.dataplane;

import java.util.Locale;

/** Why a sync runs, as the {@code vpp-lb-sync} log lines say it. */
public enum SyncTrigger {
  CONNECT,
  RELOAD,
  PERIODIC,
  WARM_UP_RELEASE,
  WARM_UP_END,
  TRANSITION,
  /** An operator asked (SyncVPPLBState, a weight change): the warm-up does not hold it back. */
  OPERATOR;

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
