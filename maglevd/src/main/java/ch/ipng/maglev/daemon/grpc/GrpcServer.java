package ch.ipng.maglev.daemon.grpc;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The gRPC listener: the Maglev service, optional reflection and the standard health service. */
public final class GrpcServer implements AutoCloseable {
  private final Server server;
  private final MaglevService service;
  private final HealthStatusManager health;

  private GrpcServer(Server server, MaglevService service, HealthStatusManager health) {
    this.server = server;
    this.service = service;
    this.health = health;
  }

  public static GrpcServer start(
      InetSocketAddress address, MaglevService service, boolean reflection) throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(address)
            .addService(service)
            .addService(health.getHealthService())
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true);
    if (reflection) {
      b.addService(ProtoReflectionServiceV1.newInstance());
    }
    Server s = b.build().start();
    return new GrpcServer(s, service, health);
  }

  public int port() {
    return server.getPort();
  }

  /** Ends streams, drains calls for up to 5 s, then stops. */
  @Override
  public void close() {
    health.enterTerminalState();
    service.shutdown();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
