package ch.ipng.maglev.daemon.dataplane;

import java.time.Instant;
import java.util.List;

/**
 * The startup warm-up as GetVPPInfo reports it: whether it runs, until when nothing is written,
 * when it ends, and the frontends whose VIP has not been written yet (name order).
 */
public record WarmUpView(
    boolean active, Instant handsOffUntil, Instant ends, List<String> heldFrontends) {
  public WarmUpView {
    heldFrontends = List.copyOf(heldFrontends);
  }
}
