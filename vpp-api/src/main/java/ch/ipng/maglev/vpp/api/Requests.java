package ch.ipng.maglev.vpp.api;

import ch.ipng.maglev.vpp.api.msg.ControlPingReply;
import ch.ipng.maglev.vpp.api.msg.SockclntDeleteReply;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The requests of one connection that VPP has not answered yet, by context. Matches replies and
 * dump details to them, and a sweeper thread fails those still unanswered after the timeout (VPP
 * drops requests it cannot route or parse without a word).
 */
final class Requests {
  private static final Duration SWEEP = Duration.ofMillis(50);

  private final Path path;
  private final long timeoutNanos;
  private final CompletableFuture<Void> closed;
  private final AtomicInteger nextContext = new AtomicInteger(1);
  private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
  private final Thread sweeper;

  /** A request waiting for its reply, or a dump collecting details until the ping reply. */
  static final class Pending {
    final int context;
    final String what;
    final MessageType<?> replyType;
    final @Nullable List<Message> details;
    final CompletableFuture<Object> future = new CompletableFuture<>();
    final long deadline;

    Pending(int context, String what, MessageType<?> replyType, boolean dump, long deadline) {
      this.context = context;
      this.what = what;
      this.replyType = replyType;
      this.details = dump ? new ArrayList<>() : null;
      this.deadline = deadline;
    }
  }

  /** Requests to VPP at {@code path}, refused once {@code closed} completes. */
  Requests(Path path, Duration timeout, CompletableFuture<Void> closed) {
    this.path = path;
    this.timeoutNanos = timeout.toNanos();
    this.closed = closed;
    this.sweeper = Thread.ofPlatform().daemon().name("vpp-api-timeouts").unstarted(this::sweepLoop);
  }

  void start() {
    sweeper.start();
  }

  /**
   * Gives a new request a context of its own (never 0) and a deadline.
   *
   * @throws VppException when the connection is closed
   */
  Pending register(String what, MessageType<?> replyType, boolean dump) {
    if (closed.isDone()) {
      throw new VppException("connection to VPP at " + path + " is closed");
    }
    long deadline = System.nanoTime() + timeoutNanos;
    while (true) {
      int context = nextContext.getAndIncrement();
      if (context != 0) {
        Pending p = new Pending(context, what, replyType, dump, deadline);
        if (pending.putIfAbsent(context, p) == null) {
          return p;
        }
      }
    }
  }

  /** Hands a message VPP sent with {@code context} to the request waiting for it, if any. */
  void received(MessageType<?> type, int context, ByteBuffer body) {
    Pending p = pending.get(context);
    if (p == null) {
      return; // the request timed out before VPP answered
    }
    try {
      if (p.details != null) {
        if (type == ControlPingReply.TYPE) {
          pending.remove(context);
          p.future.complete(List.copyOf(p.details));
        } else if (type == p.replyType) {
          p.details.add(Codec.decode(type, body).message());
        }
        return;
      }
      if (type != p.replyType) {
        return;
      }
      pending.remove(context);
      Message reply = Codec.decode(type, body).message();
      if (reply instanceof Reply r && r.retval() != 0 && type != SockclntDeleteReply.TYPE) {
        p.future.completeExceptionally(new VppErrorException(p.what, r.retval()));
      } else {
        p.future.complete(reply);
      }
    } catch (VppException e) {
      pending.remove(context);
      p.future.completeExceptionally(new VppException(p.what + ": " + e.getMessage(), e));
    }
  }

  /** Fails a request whose frame could not be written, unless it already completed. */
  void unwritten(Pending p, VppException failure, IOException cause) {
    if (pending.remove(p.context, p)) {
      p.future.completeExceptionally(new VppException(p.what + ": " + failure.getMessage(), cause));
    }
  }

  /** Fails every request still waiting, because the connection ended with {@code cause}. */
  void failAll(VppException cause) {
    for (Integer context : List.copyOf(pending.keySet())) {
      Pending p = pending.remove(context);
      if (p != null) {
        p.future.completeExceptionally(new VppException(p.what + ": " + cause.getMessage(), cause));
      }
    }
  }

  private void sweepLoop() {
    while (!closed.isDone()) {
      try {
        closed.get(SWEEP.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        failOverdue(System.nanoTime());
      } catch (InterruptedException e) {
        return;
      } catch (ExecutionException e) {
        return;
      }
    }
  }

  private void failOverdue(long now) {
    pending.forEach(
        (context, p) -> {
          if (now - p.deadline > 0 && pending.remove(context, p)) {
            p.future.completeExceptionally(
                new VppTimeoutException(
                    p.what
                        + ": VPP at "
                        + path
                        + " did not answer within "
                        + Duration.ofNanos(timeoutNanos).toMillis()
                        + " ms"));
          }
        });
  }
}
