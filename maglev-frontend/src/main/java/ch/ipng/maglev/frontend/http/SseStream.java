package ch.ipng.maglev.frontend.http;

import ch.ipng.maglev.frontend.sse.SseBroker;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One client's event stream on one connection. Events are written while the connection is writable;
 * when the client stops reading, they wait in its broker queue, and when that overflows the broker
 * cuts the client off and the connection is closed. Every write is flushed at once.
 */
final class SseStream {
  static final Duration PING_INTERVAL = Duration.ofSeconds(15);
  static final int RETRY_MS = 2000;

  private final Channel channel;
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private SseBroker.@Nullable Client client;
  private @Nullable ScheduledFuture<?> ping;

  private SseStream(Channel channel) {
    this.channel = channel;
  }

  /** Answers the request with the stream's headers and starts delivering events. */
  static SseStream open(Channel channel, SseBroker broker, @Nullable String lastEventId) {
    SseStream s = new SseStream(channel);
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE)
        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
        .set("X-Accel-Buffering", "no");
    channel.write(head);
    channel.writeAndFlush(text("retry: " + RETRY_MS + "\n\n"));
    s.client = broker.subscribe(lastEventId, s::wake);
    s.ping =
        channel
            .eventLoop()
            .scheduleAtFixedRate(
                () -> channel.writeAndFlush(text(": ping\n\n")),
                PING_INTERVAL.toMillis(),
                PING_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    channel.closeFuture().addListener(f -> s.closed());
    s.wake();
    return s;
  }

  /** Called by the broker on any thread: drains on the connection's own thread. */
  private void wake() {
    if (drainScheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(this::drain);
    }
  }

  /** When the client reads again. */
  void writable() {
    wake();
  }

  private void drain() {
    drainScheduled.set(false);
    SseBroker.Client c = client;
    if (c == null) {
      return;
    }
    if (c.cutOff()) {
      channel.close();
      return;
    }
    boolean wrote = false;
    while (channel.isWritable()) {
      SseBroker.Event e = c.poll();
      if (e == null) {
        break;
      }
      // the bytes are shared by every client and never written to
      channel.write(new DefaultHttpContent(Unpooled.wrappedBuffer(e.wire())));
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
  }

  private void closed() {
    if (ping != null) {
      ping.cancel(false);
    }
    if (client != null) {
      client.close();
    }
  }

  private static DefaultHttpContent text(String s) {
    return new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
  }
}
