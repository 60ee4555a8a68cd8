package ch.ipng.maglev.frontend.sse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * Fans events out to SSE clients. Each event gets the id {@code <epoch>-<seq>}, where the epoch is
 * the broker's start in Unix nanoseconds, and is kept in a replay ring (30 s, 2,000 events) so a
 * client that reconnects with Last-Event-ID gets exactly what it missed; a client whose id is from
 * another epoch or has left the ring is told to resync instead. Every client has a bounded queue:
 * one that does not keep up is cut off, and never slows the others.
 */
public final class SseBroker {
  public static final Duration MAX_AGE = Duration.ofSeconds(30);
  public static final int MAX_COUNT = 2000;
  public static final int CLIENT_CAPACITY = 256;

  /**
   * One event: its id, SSE event name and JSON data, and its wire form, encoded once however many
   * clients it goes to.
   */
  public record Event(String id, String name, String data, byte[] wire) {
    static Event of(String id, String name, String data) {
      StringBuilder b = new StringBuilder(data.length() + 64);
      if (!id.isEmpty()) {
        b.append("id: ").append(id).append('\n');
      }
      b.append("event: ").append(name).append('\n');
      b.append("data: ").append(data).append("\n\n");
      return new Event(
          id, name, data, b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private record Entry(long seq, Instant at, Event event) {}

  private final Clock clock;
  private final long epoch;
  private final int maxCount;
  private final int clientCapacity;
  private final ArrayDeque<Entry> ring = new ArrayDeque<>();
  private final List<Client> clients = new CopyOnWriteArrayList<>();
  private long nextSeq;

  private SseBroker(Clock clock, int maxCount, int clientCapacity) {
    this.clock = clock;
    Instant now = clock.instant();
    this.epoch = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    this.maxCount = maxCount;
    this.clientCapacity = clientCapacity;
  }

  public static SseBroker create(Clock clock) {
    return new SseBroker(clock, MAX_COUNT, CLIENT_CAPACITY);
  }

  /** A broker with other bounds, for tests of the limits. */
  public static SseBroker create(Clock clock, int maxCount, int clientCapacity) {
    return new SseBroker(clock, maxCount, clientCapacity);
  }

  public long epoch() {
    return epoch;
  }

  /** Gives the event its id, keeps it for replay and offers it to every client. */
  public synchronized Event publish(String name, String data) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(data, "data");
    Instant now = clock.instant();
    long seq = nextSeq++;
    Event e = Event.of(epoch + "-" + seq, name, data);
    Instant oldest = now.minus(MAX_AGE);
    while (!ring.isEmpty() && ring.peekFirst().at().isBefore(oldest)) {
      ring.removeFirst();
    }
    while (ring.size() >= maxCount) {
      ring.removeFirst();
    }
    ring.addLast(new Entry(seq, now, e));
    for (Client c : clients) {
      c.offer(e);
    }
    return e;
  }

  /**
   * Registers a client. With a {@code lastEventId} from this epoch whose successors are all still
   * in the ring, the client's queue starts with exactly those events; otherwise, when an id was
   * given, it starts with a {@code resync} event. Atomic with {@link #publish}: nothing falls
   * between the replay and the live events.
   */
  public synchronized Client subscribe(@Nullable String lastEventId, Runnable wake) {
    Client c = new Client(this, clientCapacity, wake);
    if (lastEventId != null && !lastEventId.isBlank()) {
      List<Event> missed = missedSince(lastEventId.strip());
      if (missed == null) {
        String id = nextSeq > 0 ? epoch + "-" + (nextSeq - 1) : "";
        c.offer(Event.of(id, "resync", "{}"));
      } else {
        missed.forEach(c::offer);
      }
    }
    clients.add(c);
    return c;
  }

  /** The events after {@code id}, or null when they cannot all be replayed. */
  private @Nullable List<Event> missedSince(String id) {
    int dash = id.lastIndexOf('-');
    long idEpoch;
    long seq;
    try {
      idEpoch = Long.parseLong(id.substring(0, Math.max(0, dash)));
      seq = Long.parseLong(id.substring(dash + 1));
    } catch (NumberFormatException e) {
      return null;
    }
    if (idEpoch != epoch || seq >= nextSeq || seq < -1) {
      return null;
    }
    long firstKept = ring.isEmpty() ? nextSeq : ring.peekFirst().seq();
    if (seq + 1 < firstKept) {
      return null; // some of what it missed has left the ring
    }
    List<Event> out = new ArrayList<>();
    for (Entry en : ring) {
      if (en.seq() > seq) {
        out.add(en.event());
      }
    }
    return out;
  }

  public int clientCount() {
    return clients.size();
  }

  private void remove(Client c) {
    clients.remove(c);
  }

  /**
   * One SSE client's queue. The broker offers; the connection takes. When the queue is full the
   * client is cut off: {@link #cutOff()} turns true and the connection should close.
   */
  public static final class Client implements AutoCloseable {
    private final SseBroker broker;
    private final BlockingQueue<Event> queue;
    private final Runnable wake;
    private volatile boolean cutOff;
    private volatile boolean closed;

    private Client(SseBroker broker, int capacity, Runnable wake) {
      this.broker = broker;
      this.queue = new ArrayBlockingQueue<>(capacity);
      this.wake = wake;
    }

    private void offer(Event e) {
      if (closed) {
        return;
      }
      if (!queue.offer(e)) {
        cutOff = true;
        close();
      }
      wake.run();
    }

    /** The next queued event, or null when none is waiting. */
    public @Nullable Event poll() {
      return queue.poll();
    }

    /** Whether the broker gave up on this client because its queue overflowed. */
    public boolean cutOff() {
      return cutOff;
    }

    public boolean closed() {
      return closed;
    }

    @Override
    public void close() {
      closed = true;
      broker.remove(this);
    }
  }
}
