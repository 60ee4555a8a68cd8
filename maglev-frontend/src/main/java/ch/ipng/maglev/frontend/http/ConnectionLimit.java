package ch.ipng.maglev.frontend.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The first handler of every connection: counts it against the listener's limit, and answers one
 * too many with 503 and closes it, before anything of its request is read. A refused connection
 * stops sending first and is closed a second later (or when the client closes), so the client reads
 * the answer rather than a reset.
 */
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
  static final long LINGER_MS = 1000;

  private final int max;
  private final AtomicInteger open;
  private final AtomicLong refused;
  private boolean counted;
  private boolean refusing;

  ConnectionLimit(int max, AtomicInteger open, AtomicLong refused) {
    this.max = max;
    this.open = open;
    this.refused = refused;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    counted = true;
    if (open.incrementAndGet() <= max) {
      ctx.fireChannelActive();
      return;
    }
    refusing = true;
    refused.incrementAndGet();
    String body = "{\"error\":\"too many connections (limit " + max + "): try again later\"}";
    String head =
        "HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Type: application/json; charset=utf-8\r\n"
            + "Cache-Control: no-store\r\n"
            + "X-Content-Type-Options: nosniff\r\n"
            + "Retry-After: 1\r\n"
            + "Connection: close\r\n"
            + "Content-Length: "
            + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\n\r\n";
    ctx.writeAndFlush(Unpooled.copiedBuffer(head + body, StandardCharsets.UTF_8))
        .addListener(
            f -> {
              if (ctx.channel() instanceof SocketChannel s) {
                s.shutdownOutput();
              }
            });
    ctx.executor().schedule(() -> ctx.close(), LINGER_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refusing) {
      ReferenceCountUtil.release(msg); // whatever a refused client sends is dropped
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (counted) {
      counted = false;
      open.decrementAndGet();
    }
    if (!refusing) {
      ctx.fireChannelInactive();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (refusing) {
      ctx.close();
      return;
    }
    ctx.fireExceptionCaught(cause);
  }
}
