package ch.ipng.maglev.cli;

import ch.ipng.maglev.cli.tree.Node.Slot;
import ch.ipng.maglev.proto.BackendInfo;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.GetFrontendRequest;
import ch.ipng.maglev.proto.HealthCheckInfo;
import ch.ipng.maglev.proto.ListBackendsRequest;
import ch.ipng.maglev.proto.ListFrontendsRequest;
import ch.ipng.maglev.proto.ListHealthChecksRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.PoolInfo;
import ch.ipng.maglev.proto.WatchRequest;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** One connection to a maglevd, made on first use, and how results are printed. */
final class Session implements AutoCloseable {
  /** Watches for "stop" (a key press or Ctrl-C) while events stream. */
  interface StopWatcher {
    /** Starts watching; calls {@code stop} when the user wants out. Returns a closer. */
    AutoCloseable watch(Runnable stop);
  }

  /** Reads a stream until it ends or is cancelled. */
  interface StreamReader {
    void read(Iterator<Event> events) throws Exception;
  }

  private final String server;
  private Output output;
  private final boolean json;
  private StopWatcher stopWatcher = stop -> () -> {};
  private @Nullable ManagedChannel channel;
  private @Nullable EventLoopGroup eventLoop;

  Session(String server, Output output, boolean json) {
    this.server = server;
    this.output = output;
    this.json = json;
  }

  String server() {
    return server;
  }

  Output output() {
    return output;
  }

  void output(Output o) {
    this.output = o;
  }

  boolean json() {
    return json;
  }

  void stopWatcher(StopWatcher w) {
    this.stopWatcher = w;
  }

  MaglevGrpc.MaglevBlockingStub stub() {
    return MaglevGrpc.newBlockingStub(channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private synchronized ManagedChannel channel() {
    if (channel == null) {
      HostPort hp = HostPort.parse(server);
      // An event loop of our own, so close() can stop it: a thread left in epoll_wait makes the
      // JVM's exit wait 300 ms for it, which a one-shot command would pay every time.
      eventLoop =
          new MultiThreadIoEventLoopGroup(
              1,
              (java.util.concurrent.ThreadFactory)
                  r -> Thread.ofPlatform().daemon().name("maglevc-io").unstarted(r),
              NioIoHandler.newFactory());
      channel =
          NettyChannelBuilder.forAddress(hp.host(), hp.port())
              .eventLoopGroup(eventLoop)
              .channelType(NioSocketChannel.class)
              .usePlaintext()
              .userAgent("maglevc")
              .build();
    }
    return channel;
  }

  /** Streams events until the server ends, the reader stops, or the user presses a key. */
  void watch(WatchRequest req, StreamReader reader) throws Exception {
    Context.CancellableContext ctx = Context.current().withCancellation();
    try (AutoCloseable w = stopWatcher.watch(() -> ctx.cancel(null))) {
      ctx.call(
          () -> {
            Iterator<Event> it = MaglevGrpc.newBlockingStub(channel()).watchEvents(req);
            try {
              reader.read(it);
            } catch (io.grpc.StatusRuntimeException e) {
              if (e.getStatus().getCode() != io.grpc.Status.Code.CANCELLED) {
                throw e;
              }
            }
            return null;
          });
    } finally {
      ctx.cancel(null);
    }
  }

  /** Live names for completion; empty when the server cannot be asked. */
  List<String> names(Slot slot, @Nullable String frontend) {
    try {
      var stub = MaglevGrpc.newBlockingStub(channel()).withDeadlineAfter(2, TimeUnit.SECONDS);
      return switch (slot) {
        case FRONTEND ->
            stub
                .listFrontends(ListFrontendsRequest.getDefaultInstance())
                .getFrontendsList()
                .stream()
                .map(FrontendInfo::getName)
                .toList();
        case BACKEND ->
            stub.listBackends(ListBackendsRequest.getDefaultInstance()).getBackendsList().stream()
                .map(BackendInfo::getName)
                .toList();
        case HEALTHCHECK ->
            stub
                .listHealthChecks(ListHealthChecksRequest.getDefaultInstance())
                .getHealthchecksList()
                .stream()
                .map(HealthCheckInfo::getName)
                .toList();
        case POOL ->
            frontend == null
                ? List.of()
                : stub
                    .getFrontend(GetFrontendRequest.newBuilder().setName(frontend).build())
                    .getPoolsList()
                    .stream()
                    .map(PoolInfo::getName)
                    .toList();
        default -> slot.fixedValues();
      };
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  @Override
  public synchronized void close() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (eventLoop != null) {
      eventLoop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(1000);
    }
  }

  /** host:port with a default host; "[::1]:9090" for IPv6. */
  record HostPort(String host, int port) {
    static HostPort parse(String s) {
      int colon = s.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("--server: \"" + s + "\" (expected: host:port)");
      }
      String host = s.substring(0, colon);
      if (host.isEmpty()) {
        host = "localhost";
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = Integer.parseInt(s.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
        return new HostPort(host, port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--server: \"" + s + "\" (expected: host:port)", e);
      }
    }
  }
}
