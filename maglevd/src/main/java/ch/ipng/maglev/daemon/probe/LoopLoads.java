package ch.ipng.maglev.daemon.probe;

/**
 * Which event loop a new prober joins, by the probe rate each loop carries: the first loop with
 * room, so a light load stays on one loop (fewer wake-ups, each gathering more probes), and the
 * least loaded one once all are full. Not thread-safe; {@link Probers} holds its lock.
 */
final class LoopLoads {
  private final double[] rates;
  private final double capacity;

  /**
   * @param loops how many event loops there are
   * @param capacity probes per second a loop takes before the next one is used
   */
  LoopLoads(int loops, double capacity) {
    if (loops < 1 || !(capacity > 0)) {
      throw new IllegalArgumentException("loops " + loops + ", capacity " + capacity);
    }
    this.rates = new double[loops];
    this.capacity = capacity;
  }

  /** Adds {@code rate} probes per second to a loop and returns its index. */
  int take(double rate) {
    int least = 0;
    for (int i = 0; i < rates.length; i++) {
      if (rates[i] + rate <= capacity) {
        rates[i] += rate;
        return i;
      }
      if (rates[i] < rates[least]) {
        least = i;
      }
    }
    rates[least] += rate;
    return least;
  }

  /** Changes a prober's rate on the loop it is on (it does not move: that would be a new one). */
  void adjust(int loop, double from, double to) {
    rates[loop] = Math.max(0, rates[loop] - from) + to;
  }

  /** Gives back what {@link #take} added. */
  void release(int loop, double rate) {
    rates[loop] = Math.max(0, rates[loop] - rate);
  }

  double rate(int loop) {
    return rates[loop];
  }
}
