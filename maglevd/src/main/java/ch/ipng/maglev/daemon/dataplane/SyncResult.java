package ch.ipng.maglev.daemon.dataplane;

/** What one sync changed: counts of the writes VPP accepted, by kind. */
public record SyncResult(
    int vipAdded, int vipRemoved, int asAdded, int asRemoved, int asWeightUpdated) {
  /** Nothing written. */
  public static final SyncResult NONE = new SyncResult(0, 0, 0, 0, 0);
}
