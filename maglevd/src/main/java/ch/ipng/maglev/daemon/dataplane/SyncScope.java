package ch.ipng.maglev.daemon.dataplane;

import java.util.Locale;

/** What one sync covers, as logs and metrics label it. */
public enum SyncScope {
  /** Every VIP: VPP is read back first and strays may go. */
  ALL,
  /** The VIPs of the frontends named, planned against what maglevd believes VPP holds. */
  VIP;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
