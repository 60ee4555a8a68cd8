package ch.ipng.maglev.daemon.grpc;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sits on the gRPC listener's server channel, ahead of the acceptor: a connection beyond the limit
 * is closed before gRPC sees it (the client sees a reset, then retries with backoff) and counted.
 */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
  private final int max;
  private final Runnable refused;
  private final AtomicInteger open = new AtomicInteger();

  ConnectionLimit(int max, Runnable refused) {
    if (max < 1) {
      throw new IllegalArgumentException("max: " + max + " (expected: >= 1)");
    }
    this.max = max;
    this.refused = refused;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Channel child = (Channel) msg;
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      child.unsafe().closeForcibly();
      refused.run();
      return;
    }
    var unused = child.closeFuture().addListener(f -> open.decrementAndGet());
    ctx.fireChannelRead(msg);
  }

  int open() {
    return open.get();
  }
}
