package ch.ipng.maglev.tester;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One VIP's statistics: a rolling window of the last {@link #WINDOW} probes (OK% over all of them,
 * p50/p95/p99/max over the successful ones), lifetime counts, the last probe, and the tally of the
 * header's values. Not thread-safe: {@link Board} holds it under its lock.
 */
public final class Stats {
  public static final int WINDOW = 100;

  private final long[] latency = new long[WINDOW];
  private final boolean[] ok = new boolean[WINDOW];
  private int size;
  private int next;
  private long n;
  private long fail;
  private long timeouts;
  private long httpErrs;
  private long netErrs;
  private long spikes;
  private String last = "";
  private String lastClass = "";
  private final Map<String, long[]> tally = new LinkedHashMap<>();

  /** A tally value: lifetime count and when it was last seen. */
  public record Tally(String value, long count, long lastSeenMillis) {}

  /**
   * A snapshot.
   *
   * @param okPct OK% over the window, NaN before the first probe
   * @param p50 nanoseconds over the window's successes; -1 when there are none (also p95, p99, max)
   * @param last the last probe: its HTTP status, "open" for a TCP connect, or its error class
   * @param lastClass the last probe's class: ok, spike, timeout, http-err, net-err; "" before one
   */
  public record View(
      long n,
      long fail,
      double okPct,
      long p50,
      long p95,
      long p99,
      long max,
      String last,
      String lastClass,
      long timeouts,
      long httpErrs,
      long netErrs,
      long spikes,
      List<Tally> tally) {

    /** Lifetime OK% ({@code (n - fail) / n}), NaN before the first probe. */
    public double lifetimeOkPct() {
      return n == 0 ? Double.NaN : 100.0 * (n - fail) / n;
    }
  }

  /**
   * Adds one probe; returns the class it is an event of (timeout, http-err, net-err or spike), or
   * null for an ordinary success.
   */
  public @Nullable String record(Sample s) {
    if (s.header() != null) {
      long[] t = tally.computeIfAbsent(s.header(), k -> new long[2]);
      t[0]++;
      t[1] = Math.max(t[1], s.atMillis());
    }
    n++;
    boolean success = s.outcome() == Outcome.OK;
    String cls = s.outcome().label();
    if (success && Spikes.isSpike(s.latencyNanos(), sortedOk())) {
      cls = "spike";
      spikes++;
    }
    switch (s.outcome()) {
      case TIMEOUT -> timeouts++;
      case HTTP_ERR -> httpErrs++;
      case NET_ERR -> netErrs++;
      case OK -> {}
    }
    if (!success) {
      fail++;
    }
    latency[next] = s.latencyNanos();
    ok[next] = success;
    next = (next + 1) % WINDOW;
    size = Math.min(size + 1, WINDOW);
    lastClass = cls;
    if (s.outcome() == Outcome.HTTP_ERR || (success && s.status() > 0 && !cls.equals("spike"))) {
      last = Integer.toString(s.status());
    } else if (success && !cls.equals("spike")) {
      last = "open";
    } else {
      last = cls;
    }
    return cls.equals("ok") ? null : cls;
  }

  /** The window's successful latencies, ascending. */
  long[] sortedOk() {
    long[] out = new long[size];
    int k = 0;
    for (int i = 0; i < size; i++) {
      if (ok[i]) {
        out[k++] = latency[i];
      }
    }
    long[] sorted = Arrays.copyOf(out, k);
    Arrays.sort(sorted);
    return sorted;
  }

  /** Nearest-rank percentile of an ascending array; -1 when it is empty. */
  public static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  public View view() {
    long[] s = sortedOk();
    int okCount = s.length;
    List<Tally> t = new ArrayList<>(tally.size());
    tally.forEach((k, v) -> t.add(new Tally(k, v[0], v[1])));
    return new View(
        n,
        fail,
        size == 0 ? Double.NaN : 100.0 * okCount / size,
        percentile(s, 50),
        percentile(s, 95),
        percentile(s, 99),
        okCount == 0 ? -1 : s[okCount - 1],
        last,
        lastClass,
        timeouts,
        httpErrs,
        netErrs,
        spikes,
        t);
  }
}
