package ch.ipng.maglev.daemon.events;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Fans events out to subscribers. Publishing never blocks: each subscriber has a bounded queue,
 * allocated as it fills (an idle subscriber costs a few objects, not its bound), and one that falls
 * behind is dropped (its subscription says so, and its queued events are released) rather than
 * slowing anyone.
 */
public final class EventBus {
  /** Events a subscriber may have queued before it is dropped. */
  public static final int DEFAULT_CAPACITY = 1024;

  private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
  private final List<java.util.function.Consumer<MaglevEvent>> listeners =
      new CopyOnWriteArrayList<>();

  public static EventBus create() {
    return new EventBus();
  }

  /**
   * Adds an in-process listener called synchronously on the publisher's thread; it must be quick
   * and must not throw (metrics counters, not network streams).
   */
  public void listen(java.util.function.Consumer<MaglevEvent> listener) {
    listeners.add(listener);
  }

  public void publish(MaglevEvent event) {
    for (java.util.function.Consumer<MaglevEvent> l : listeners) {
      l.accept(event);
    }
    for (Subscription s : subscribers) {
      s.offer(event);
    }
  }

  /**
   * Whether anyone listens to log records at {@code severity} or below; logging skips work if not.
   */
  public boolean wantsLog(int severity) {
    for (Subscription s : subscribers) {
      if (s.logSeverity <= severity) {
        return true;
      }
    }
    return false;
  }

  /**
   * Subscribes.
   *
   * @param filter which events to queue
   * @param logSeverity the lowest log severity the filter accepts (for {@link #wantsLog}), or
   *     Integer.MAX_VALUE for none
   */
  public Subscription subscribe(Predicate<MaglevEvent> filter, int logSeverity, int capacity) {
    Subscription s = new Subscription(this, filter, logSeverity, capacity);
    subscribers.add(s);
    return s;
  }

  public int subscriberCount() {
    return subscribers.size();
  }

  /** One subscriber's queue. */
  public static final class Subscription implements AutoCloseable {
    private final EventBus bus;
    private final Predicate<MaglevEvent> filter;
    private final int logSeverity;
    private final BlockingQueue<MaglevEvent> queue;
    private volatile boolean overflowed;
    private volatile boolean closed;

    private Subscription(
        EventBus bus, Predicate<MaglevEvent> filter, int logSeverity, int capacity) {
      this.bus = bus;
      this.filter = filter;
      this.logSeverity = logSeverity;
      this.queue = new LinkedBlockingQueue<>(capacity);
    }

    /** Queues an event directly (for the initial synthetic events), subject to the same bound. */
    public void offer(MaglevEvent event) {
      if (closed || overflowed || !filter.test(event)) {
        return;
      }
      if (!queue.offer(event)) {
        overflowed = true;
        bus.subscribers.remove(this);
        queue.clear(); // nobody reads them any more: free them now, not when the stream ends
      }
    }

    /** The next event, or null after {@code timeoutMs} or once dropped or closed. */
    public @Nullable MaglevEvent poll(long timeoutMs) throws InterruptedException {
      if (overflowed || closed) {
        return null;
      }
      return queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Events queued and not yet read (0 once dropped). */
    public int queued() {
      return queue.size();
    }

    /** True once the subscriber fell behind and was dropped. */
    public boolean overflowed() {
      return overflowed;
    }

    public boolean closed() {
      return closed;
    }

    @Override
    public void close() {
      closed = true;
      bus.subscribers.remove(this);
      queue.clear();
    }
  }
}
