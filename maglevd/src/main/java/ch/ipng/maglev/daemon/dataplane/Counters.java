package ch.ipng.maglev.daemon.dataplane;

import java.time.Instant;
import java.util.List;

/** The last counter scrape: per VIP, the four lb counters summed over VPP's threads. */
public record Counters(Instant time, List<Vip> vips) {
  public Counters {
    vips = List.copyOf(vips);
  }

  /** One VIP's counters, and the frontend it belongs to ("" for none). */
  public record Vip(
      VipId id, String frontend, long next, long first, long untracked, long noServer) {}
}
