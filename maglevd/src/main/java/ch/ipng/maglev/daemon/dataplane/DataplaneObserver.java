package ch.ipng.maglev.daemon.dataplane;

/**
 * Hears what the dataplane does with VPP (metrics): quick, never throws. The dataplane knows this
 * interface, not the metrics behind it.
 */
public interface DataplaneObserver {
  void vppConnected(VppInfo info);

  /** VPP went away: its gauges and counters are gone until it is back. */
  void vppDisconnected();

  /** One API message sent or answered (direction "send" or "recv"). */
  void vppApi(String message, String direction, boolean success);

  /** Writes one sync made that VPP accepted, by kind (vip_added, as_weight_updated, …). */
  void lbSync(SyncScope scope, String kind, int count);

  /** A counter scrape. */
  void vipCounters(Counters counters);

  /**
   * Whether VPP's VIPs and ASes should be read after this counter scrape for {@link #lbTables}: a
   * read of every VIP and AS, and two Maglev tables per VIP after it, are worth their cost only
   * when someone looks (a metrics scrape since the last read). Asked once per counter scrape; the
   * request stays until {@link #lbTables} gets a read.
   */
  default boolean lbTablesWanted() {
    return false;
  }

  /** VPP's VIPs and ASes, read after a counter scrape when {@link #lbTablesWanted} said so. */
  default void lbTables(java.util.List<LbView.Vip> vips) {}

  /**
   * VPP announced an API frame over the 16 MiB limit: refused at its header, the link ends (and is
   * tried again).
   */
  default void vppFrameRefused(long claimedLength) {}

  DataplaneObserver NONE =
      new DataplaneObserver() {
        @Override
        public void vppConnected(VppInfo info) {}

        @Override
        public void vppDisconnected() {}

        @Override
        public void vppApi(String message, String direction, boolean success) {}

        @Override
        public void lbSync(SyncScope scope, String kind, int count) {}

        @Override
        public void vipCounters(Counters counters) {}
      };
}
