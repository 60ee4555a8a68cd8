package ch.ipng.maglev.frontend.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One connection's deadlines, before the HTTP codec so it sees the raw bytes. A connection is
 * {@code IDLE} (no request in progress: closed after the idle timeout), {@code READING} (a
 * request's first byte came: the whole request must follow within the header timeout, however
 * slowly it trickles, else 408 and close), {@code BUSY} (the router works on an answer: no
 * deadline, admin calls have their own) or {@code STREAMING} (an event stream: no deadline, its
 * events and pings keep it going and the broker cuts off a client that stops reading). Every method
 * runs on the connection's event loop.
 */
final class ConnectionTimeouts extends ChannelInboundHandlerAdapter {
  enum State {
    IDLE,
    READING,
    BUSY,
    STREAMING
  }

  private final long idleNanos;
  private final long headerNanos;
  private final Duration headerTimeout;
  private @Nullable ChannelHandlerContext ctx;
  private State state = State.IDLE;
  private long deadline;
  private int inFlight;
  private @Nullable ScheduledFuture<?> timer;
  private long timerAt;

  private final java.util.concurrent.atomic.AtomicLong timedOut;

  ConnectionTimeouts(HttpLimits limits, java.util.concurrent.atomic.AtomicLong timedOut) {
    this.timedOut = timedOut;
    this.idleNanos = limits.idleTimeout().toNanos();
    this.headerNanos = limits.headerTimeout().toNanos();
    this.headerTimeout = limits.headerTimeout();
  }

  State state() {
    return state;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    enter(State.IDLE, idleNanos);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.IDLE) {
      enter(State.READING, headerNanos);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    ctx.fireChannelInactive();
  }

  /** The router has a whole request. */
  void requestReceived() {
    inFlight++;
    if (state != State.STREAMING) {
      enter(State.BUSY, Long.MAX_VALUE);
    }
  }

  /** The router handed an answer to the connection. */
  void responseSent() {
    inFlight = Math.max(0, inFlight - 1);
    if (inFlight == 0 && state == State.BUSY) {
      enter(State.IDLE, idleNanos);
    }
  }

  /** The connection became an event stream, for good. */
  void streaming() {
    enter(State.STREAMING, Long.MAX_VALUE);
  }

  private void enter(State s, long nanos) {
    state = s;
    if (nanos == Long.MAX_VALUE) {
      deadline = Long.MAX_VALUE;
      return;
    }
    deadline = System.nanoTime() + nanos;
    if (timer != null && timerAt - deadline > 0) {
      timer.cancel(false); // due after the new deadline
      timer = null;
    }
    if (timer == null) {
      arm(nanos);
    }
  }

  private void arm(long nanos) {
    ChannelHandlerContext c = ctx;
    if (c != null && c.channel().isActive()) {
      timerAt = System.nanoTime() + nanos;
      timer = c.executor().schedule(this::check, Math.max(1, nanos), TimeUnit.NANOSECONDS);
    }
  }

  private void check() {
    timer = null;
    ChannelHandlerContext c = ctx;
    if (c == null || deadline == Long.MAX_VALUE) {
      return; // BUSY or STREAMING: armed again when it leaves that state
    }
    long left = deadline - System.nanoTime();
    if (left > 0) {
      arm(left);
      return;
    }
    if (state == State.READING) {
      String body =
          "{\"error\":\"the request did not arrive in full within "
              + headerTimeout.toMillis()
              + " ms\"}";
      String head =
          "HTTP/1.1 408 Request Timeout\r\n"
              + "Content-Type: application/json; charset=utf-8\r\n"
              + "Cache-Control: no-store\r\n"
              + "X-Content-Type-Options: nosniff\r\n"
              + "Connection: close\r\n"
              + "Content-Length: "
              + body.length()
              + "\r\n\r\n";
      state = State.BUSY;
      timedOut.incrementAndGet();
      c.writeAndFlush(Unpooled.copiedBuffer(head + body, StandardCharsets.US_ASCII))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      c.close();
    }
  }
}
