package ch.ipng.maglev.daemon;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.ipng.maglev.config.ConfigLoader;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.proto.LookupVPPLBFlowRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LookupVPPLBFlow over real gRPC on a maglevd without VPP: bad input is INVALID_ARGUMENT naming the
 * field whether VPP is there or not; good input is UNAVAILABLE, as every VPP call then.
 */
class FlowLookupApiTest {
  @TempDir Path dir;

  interface Call {
    void run(MaglevGrpc.MaglevBlockingStub stub);
  }

  void withDaemon(Call call) throws Exception {
    Path config = dir.resolve("maglev.yaml");
    Files.writeString(
        config,
        """
        maglev:
          healthchecks:
            tcp: { type: tcp, port: 9 }
          backends:
            a: { address: 127.0.0.1, healthcheck: tcp }
          frontends:
            web: { address: 192.0.2.1, protocol: tcp, port: 80, pools: [ { name: p, backends: { a: {} } } ] }
        """);
    Daemon daemon =
        Daemon.start(
            new Daemon.Settings(
                config,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null,
                false,
                null),
            ConfigLoader.load(config),
            EventBus.create());
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", daemon.grpcPort()).usePlaintext().build();
    try {
      call.run(MaglevGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      daemon.close();
    }
  }

  static LookupVPPLBFlowRequest request(String src, int sport, String dst, int dport, String p) {
    return LookupVPPLBFlowRequest.newBuilder()
        .setSrc(src)
        .setSrcPort(sport)
        .setDst(dst)
        .setDstPort(dport)
        .setProtocol(p)
        .build();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|1|192.0.2.1|80|tcp|src: \"\" (expected: an IPv4 or IPv6 address)",
        "192.0.2.300|1|192.0.2.1|80|tcp|src: \"192.0.2.300\" (expected: an IPv4 or IPv6 address)",
        "192.0.2.7|1|example.com|80|tcp|dst: \"example.com\" (expected: an IPv4 or IPv6 address)",
        "192.0.2.7|-1|192.0.2.1|80|tcp|src port: 4294967295 (expected: 0-65535)",
        "192.0.2.7|1|192.0.2.1|65536|tcp|dst port: 65536 (expected: 0-65535)",
        "192.0.2.7|1|192.0.2.1|80|icmp|protocol: icmp (expected: tcp or udp)",
        "2001:db8::7|1|192.0.2.1|80|tcp|src 2001:db8::7, dst 192.0.2.1 (expected: both IPv4 or both IPv6)",
      })
  void badInput_isInvalidArgument_namingTheField(
      String src, int sport, String dst, int dport, String protocol, String message)
      throws Exception {
    withDaemon(
        stub ->
            assertThatThrownBy(
                    () -> stub.lookupVPPLBFlow(request(src, sport, dst, dport, protocol)))
                .isInstanceOfSatisfying(
                    StatusRuntimeException.class,
                    e -> {
                      org.assertj.core.api.Assertions.assertThat(e.getStatus().getCode())
                          .isEqualTo(Status.Code.INVALID_ARGUMENT);
                      org.assertj.core.api.Assertions.assertThat(e.getStatus().getDescription())
                          .isEqualTo(message);
                    }));
  }

  @Test
  void goodInput_withoutVpp_isUnavailable() throws Exception {
    withDaemon(
        stub ->
            assertThatThrownBy(
                    () -> stub.lookupVPPLBFlow(request("192.0.2.7", 1, "192.0.2.1", 80, "")))
                .isInstanceOfSatisfying(
                    StatusRuntimeException.class,
                    e ->
                        org.assertj.core.api.Assertions.assertThat(e.getStatus().getCode())
                            .isEqualTo(Status.Code.UNAVAILABLE)));
  }
}
