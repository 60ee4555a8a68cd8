package ch.ipng.maglev.daemon.grpc;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts open WatchEvents streams, in total and per client address, and refuses one over either
 * limit. Thread-safe; every successful {@link #acquire} is paired with one {@link #release}.
 */
final class WatchLimits {
  /** Why a stream was refused or ended, as the metric's {@code reason} label says it. */
  enum Reason {
    TOTAL("limit-total"),
    PER_ADDRESS("limit-address"),
    TOO_SLOW("too-slow");

    final String label;

    Reason(String label) {
      this.label = label;
    }
  }

  /** A refusal: its reason and the client's message. */
  record Refusal(Reason reason, String message) {}

  private final int maxTotal;
  private final int maxPerAddress;
  private final Map<String, Integer> perAddress = new HashMap<>();
  private int total;

  WatchLimits(int maxTotal, int maxPerAddress) {
    if (maxTotal < 1) {
      throw new IllegalArgumentException("maxTotal: " + maxTotal + " (expected: >= 1)");
    }
    if (maxPerAddress < 1) {
      throw new IllegalArgumentException("maxPerAddress: " + maxPerAddress + " (expected: >= 1)");
    }
    this.maxTotal = maxTotal;
    this.maxPerAddress = maxPerAddress;
  }

  /** Takes a slot for a stream from {@code address}, or says why not. */
  synchronized Optional<Refusal> acquire(String address) {
    if (total >= maxTotal) {
      return Optional.of(
          new Refusal(
              Reason.TOTAL,
              "too many event streams: "
                  + total
                  + " open, the limit (--watch-streams-max) is "
                  + maxTotal));
    }
    int mine = perAddress.getOrDefault(address, 0);
    if (mine >= maxPerAddress) {
      return Optional.of(
          new Refusal(
              Reason.PER_ADDRESS,
              "too many event streams from "
                  + address
                  + ": "
                  + mine
                  + " open, the limit (--watch-streams-per-address) is "
                  + maxPerAddress));
    }
    total++;
    perAddress.put(address, mine + 1);
    return Optional.empty();
  }

  synchronized void release(String address) {
    Integer mine = perAddress.get(address);
    if (mine == null) {
      throw new IllegalStateException("no stream open from " + address);
    }
    if (mine == 1) {
      perAddress.remove(address);
    } else {
      perAddress.put(address, mine - 1);
    }
    total--;
  }

  synchronized int open() {
    return total;
  }

  synchronized int addresses() {
    return perAddress.size();
  }
}
