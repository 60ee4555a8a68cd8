package ch.ipng.maglev.tester;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Everything the screen shows, for every target: the statistics, the events (newest first, at most
 * {@link #EVENTS}), and whether probing is paused. Thread-safe: probes complete on the event loops,
 * the screen reads snapshots.
 */
public final class Board {
  /** How many events are kept. */
  public static final int EVENTS = 1000;

  /** An anomaly: a failed probe or a spike. */
  public record Event(long atMillis, String vip, String cls, String detail) {}

  /** One target's row. */
  public record Row(Target target, Stats.View stats) {}

  /** A consistent snapshot. */
  public record Snapshot(List<Row> rows, List<Event> events, boolean paused, long probes) {}

  private final List<Target> targets;
  private final Stats[] stats;
  private final Deque<Event> events = new ArrayDeque<>();
  private boolean paused;
  private long probes;

  public Board(List<Target> targets) {
    this.targets = List.copyOf(targets);
    this.stats = new Stats[targets.size()];
    for (int i = 0; i < stats.length; i++) {
      stats[i] = new Stats();
    }
  }

  public List<Target> targets() {
    return targets;
  }

  /**
   * Adds a probe's result; a failure or a spike also becomes an event. Returns its class: ok,
   * spike, timeout, http-err or net-err.
   */
  public synchronized String record(Sample s) {
    probes++;
    String cls = stats[s.target()].record(s);
    if (cls != null) {
      String detail =
          cls.equals("spike") ? "slow answer: " + Format.latency(s.latencyNanos()) : s.detail();
      events.addFirst(new Event(s.atMillis(), targets.get(s.target()).name(), cls, detail));
      if (events.size() > EVENTS) {
        events.removeLast();
      }
    }
    return cls == null ? "ok" : cls;
  }

  /** Forgets every statistic, tally and event (the {@code r} key). */
  public synchronized void reset() {
    for (int i = 0; i < stats.length; i++) {
      stats[i] = new Stats();
    }
    events.clear();
  }

  public synchronized void setPaused(boolean p) {
    paused = p;
  }

  public synchronized boolean paused() {
    return paused;
  }

  /** Adds an event that is not a probe's (a frontend skipped at start, say). */
  public synchronized void note(long atMillis, String vip, String cls, String detail) {
    events.addFirst(new Event(atMillis, vip, cls, detail));
  }

  public synchronized Snapshot snapshot() {
    List<Row> rows = new ArrayList<>(stats.length);
    for (int i = 0; i < stats.length; i++) {
      rows.add(new Row(targets.get(i), stats[i].view()));
    }
    return new Snapshot(rows, List.copyOf(events), paused, probes);
  }
}
