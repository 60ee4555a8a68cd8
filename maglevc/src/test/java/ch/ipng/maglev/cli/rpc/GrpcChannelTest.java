package ch.ipng.maglev.cli.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.proto.BackendInfo;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.GetBackendRequest;
import ch.ipng.maglev.proto.ListBackendsRequest;
import ch.ipng.maglev.proto.ListBackendsResponse;
import ch.ipng.maglev.proto.LogEvent;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.WatchRequest;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The small gRPC client against grpc-java's own Netty server on loopback. */
class GrpcChannelTest {
  private static final String SERVICE = "/maglev.Maglev/";

  private Server server;
  private int port;
  private final AtomicBoolean watchCancelled = new AtomicBoolean();
  private final CountDownLatch slowCallArrived = new CountDownLatch(1);

  /** What the tests need of maglevd's service, with answers of every shape. */
  private final class TestService extends MaglevGrpc.MaglevImplBase {
    @Override
    public void listBackends(ListBackendsRequest r, StreamObserver<ListBackendsResponse> o) {
      // 4,000 backends with 32 probe details each: some 5 MB, beyond one 16 KB frame, the 64 KB
      // windows HTTP/2 starts with and the 4 MB maglevc opens.
      ListBackendsResponse.Builder b = ListBackendsResponse.newBuilder();
      for (int i = 0; i < 4_000; i++) {
        BackendInfo.Builder bi = BackendInfo.newBuilder().setName("backend-" + i);
        for (int p = 0; p < 32; p++) {
          bi.addProbesBuilder().setCode("L7OK").setDetail("status 200 from backend " + i);
        }
        b.addBackends(bi);
      }
      o.onNext(b.build());
      o.onCompleted();
    }

    @Override
    public void getBackend(GetBackendRequest r, StreamObserver<BackendInfo> o) {
      switch (r.getName()) {
        case "slow" -> slowCallArrived.countDown(); // never answers
        case "none" -> o.onCompleted(); // no message: grpc-java resets the stream
        default ->
            o.onError(
                Status.NOT_FOUND
                    .withDescription("backend \"" + r.getName() + "\" not found")
                    .asRuntimeException());
      }
    }

    @Override
    public void pauseBackend(BackendRequest r, StreamObserver<BackendInfo> o) {
      o.onNext(BackendInfo.newBuilder().setName(r.getName()).setState("paused").build());
      o.onCompleted();
    }

    @Override
    public void watchEvents(WatchRequest r, StreamObserver<Event> o) {
      ServerCallStreamObserver<Event> so = (ServerCallStreamObserver<Event>) o;
      so.setOnCancelHandler(() -> watchCancelled.set(true));
      if (r.getLogLevel().equals("quiet")) {
        // the first event comes well after the client's first-answer deadline
        LATER.schedule(
            () -> {
              so.onNext(Event.newBuilder().setTimeNs(1).build());
              so.onCompleted();
            },
            2_500,
            TimeUnit.MILLISECONDS);
        return;
      }
      int n = r.getLogLevel().equals("forever") ? 10 : 5_000;
      for (int i = 0; i < n; i++) {
        so.onNext(
            Event.newBuilder()
                .setTimeNs(i)
                .setLog(LogEvent.newBuilder().setLevel("info").setMsg("event-" + i))
                .build());
      }
      if (n == 5_000) {
        so.onCompleted();
      }
    }
  }

  /**
   * Server-streaming methods a unary call may land on by mistake: one answers no message, one two
   * (grpc-java's own unary handlers never do either).
   */
  private static io.grpc.ServerServiceDefinition oddities() {
    io.grpc.ServerServiceDefinition.Builder b = io.grpc.ServerServiceDefinition.builder("test.Odd");
    for (int n : new int[] {0, 2}) {
      io.grpc.MethodDescriptor<BackendRequest, BackendInfo> m =
          io.grpc.MethodDescriptor.<BackendRequest, BackendInfo>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName("test.Odd/Answer" + n)
              .setRequestMarshaller(
                  io.grpc.protobuf.ProtoUtils.marshaller(BackendRequest.getDefaultInstance()))
              .setResponseMarshaller(
                  io.grpc.protobuf.ProtoUtils.marshaller(BackendInfo.getDefaultInstance()))
              .build();
      b.addMethod(
          m,
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
              (req, o) -> {
                for (int i = 0; i < n; i++) {
                  o.onNext(BackendInfo.newBuilder().setName("b" + i).build());
                }
                o.onCompleted();
              }));
    }
    return b.build();
  }

  @BeforeEach
  void start() throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new TestService())
            .addService(oddities())
            .build()
            .start();
    port = server.getPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private GrpcChannel connect() {
    return GrpcChannel.connect("127.0.0.1", port, Duration.ofSeconds(5));
  }

  private MaglevClient client(GrpcChannel ch, Duration deadline) {
    return new MaglevClient(() -> ch, deadline);
  }

  @Test
  void largeResponse_crossesFramesAndFlowControlWindows() {
    try (GrpcChannel ch = connect()) {
      ListBackendsResponse r =
          client(ch, Duration.ofSeconds(20)).listBackends(ListBackendsRequest.getDefaultInstance());
      assertThat(r.getSerializedSize()).isGreaterThan(4 << 20);
      assertThat(r.getBackendsCount()).isEqualTo(4_000);
      assertThat(r.getBackends(3_999).getProbes(31).getDetail())
          .isEqualTo("status 200 from backend 3999");
    }
  }

  @Test
  void manyCallsOnOneConnection_keepTheHeaderTableInStep() {
    try (GrpcChannel ch = connect()) {
      MaglevClient c = client(ch, Duration.ofSeconds(5));
      for (int i = 0; i < 50; i++) {
        String name = "b" + i;
        assertThat(c.pauseBackend(BackendRequest.newBuilder().setName(name).build()).getName())
            .isEqualTo(name);
        // Errors come as trailers-only responses, whose headers Netty indexes too.
        assertThatThrownBy(() -> c.getBackend(GetBackendRequest.newBuilder().setName(name).build()))
            .isInstanceOfSatisfying(
                RpcException.class,
                e -> {
                  assertThat(e.code()).isEqualTo(RpcException.Code.NOT_FOUND);
                  assertThat(e.describe()).isEqualTo("backend \"" + name + "\" not found");
                });
      }
      assertThat(ch.usable()).isTrue();
    }
  }

  @Test
  void longNonAsciiStatusMessage_isDecodedExactly() {
    // Netty Huffman-codes header values of 512 bytes and more; grpc-message is percent-encoded.
    String name = "café-" + "x".repeat(700) + "-ünïcode";
    try (GrpcChannel ch = connect()) {
      assertThatThrownBy(
              () ->
                  client(ch, Duration.ofSeconds(5))
                      .getBackend(GetBackendRequest.newBuilder().setName(name).build()))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.describe()).isEqualTo("backend \"" + name + "\" not found"));
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS) // a call the deadline did not end would hang
  void deadline_endsTheCallAndTheConnection() throws Exception {
    try (GrpcChannel ch = connect()) {
      // A first call warms the server, so on a slow machine the slow call reaches its handler
      // well within its 300 ms (cold, the server's first dispatch could take longer).
      client(ch, Duration.ofSeconds(5)).pauseBackend(BackendRequest.getDefaultInstance());
      assertThatThrownBy(
              () ->
                  client(ch, Duration.ofMillis(300))
                      .getBackend(GetBackendRequest.newBuilder().setName("slow").build()))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.code()).isEqualTo(RpcException.Code.DEADLINE_EXCEEDED));
      assertThat(slowCallArrived.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(ch.usable()).isFalse();
      assertThatThrownBy(
              () ->
                  client(ch, Duration.ofSeconds(1))
                      .pauseBackend(BackendRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.code()).isEqualTo(RpcException.Code.UNAVAILABLE));
    }
  }

  @Test
  void streamReset_isReported() {
    try (GrpcChannel ch = connect()) {
      assertThatThrownBy(
              () ->
                  client(ch, Duration.ofSeconds(5))
                      .getBackend(GetBackendRequest.newBuilder().setName("none").build()))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.code()).isEqualTo(RpcException.Code.CANCELLED);
                assertThat(e.describe()).isEqualTo("the server cancelled the call");
              });
    }
  }

  @Test
  void unknownMethod_isUnimplemented() {
    try (GrpcChannel ch = connect()) {
      assertThatThrownBy(
              () ->
                  ch.unary(
                      SERVICE + "NoSuchMethod",
                      BackendRequest.getDefaultInstance(),
                      BackendInfo.parser(),
                      Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.code()).isEqualTo(RpcException.Code.UNIMPLEMENTED));
    }
  }

  @Test
  void unaryAnsweredWithNoMessageOrTwo_isAnInternalErrorNamingTheMethod() {
    try (GrpcChannel ch = connect()) {
      for (var c :
          Map.of(
                  "/test.Odd/Answer0", "no response message for /test.Odd/Answer0",
                  "/test.Odd/Answer2", "more than one response for /test.Odd/Answer2")
              .entrySet()) {
        assertThatThrownBy(
                () ->
                    ch.unary(
                        c.getKey(),
                        BackendRequest.getDefaultInstance(),
                        BackendInfo.parser(),
                        Duration.ofSeconds(5)))
            .isInstanceOfSatisfying(
                RpcException.class,
                e -> {
                  assertThat(e.code()).isEqualTo(RpcException.Code.INTERNAL);
                  assertThat(e).hasMessageContaining(c.getValue());
                });
      }
      // the connection carries on
      assertThat(
              client(ch, Duration.ofSeconds(5))
                  .pauseBackend(BackendRequest.newBuilder().setName("x").build())
                  .getState())
          .isEqualTo("paused");
    }
  }

  private static final java.util.concurrent.ScheduledExecutorService LATER =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().factory());

  /**
   * The first-answer deadline of a stream ends once the server has answered (its SETTINGS): a
   * stream quiet for longer than that deadline carries on.
   */
  @Test
  void serverStream_quietLongerThanItsFirstAnswerDeadline_carriesOn() {
    try (GrpcChannel ch = connect()) {
      long t0 = System.nanoTime();
      GrpcChannel.Call<Event> call =
          MaglevClient.watchEvents(
              ch, WatchRequest.newBuilder().setLogLevel("quiet").build(), Duration.ofSeconds(1));
      Event e = call.next();
      assertThat(e).isNotNull();
      assertThat(e.getTimeNs()).isEqualTo(1);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofSeconds(1));
      assertThat(call.next()).isNull();
    }
  }

  @Test
  void serverStream_deliversEveryMessageInOrder() {
    try (GrpcChannel ch = connect()) {
      GrpcChannel.Call<Event> call =
          MaglevClient.watchEvents(
              ch, WatchRequest.newBuilder().setLog(true).build(), Duration.ofSeconds(10));
      int n = 0;
      for (Event e = call.next(); e != null; e = call.next()) {
        assertThat(e.getLog().getMsg()).isEqualTo("event-" + n);
        n++;
      }
      assertThat(n).isEqualTo(5_000);
    }
  }

  @Test
  void cancel_endsAStreamFromAnotherThread() throws Exception {
    GrpcChannel ch = connect();
    GrpcChannel.Call<Event> call =
        MaglevClient.watchEvents(
            ch, WatchRequest.newBuilder().setLogLevel("forever").build(), Duration.ofSeconds(10));
    for (int i = 0; i < 10; i++) {
      assertThat(call.next()).isNotNull();
    }
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    call.next();
                  } catch (RuntimeException e) {
                    ended.set(e);
                  }
                });
    ch.cancel();
    reader.join(5_000);
    assertThat(ended.get())
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.Code.CANCELLED));
    await().untilTrue(watchCancelled);
  }

  @Test
  void serverGone_isUnavailableWithTheCause() throws Exception {
    GrpcChannel ch = connect();
    MaglevClient c = client(ch, Duration.ofSeconds(5));
    c.pauseBackend(BackendRequest.getDefaultInstance());
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    assertThatThrownBy(() -> c.pauseBackend(BackendRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.Code.UNAVAILABLE));
    assertThat(ch.usable()).isFalse();
    ch.close();
  }

  @Test
  void refusedConnection_saysSo() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThatThrownBy(() -> GrpcChannel.connect("127.0.0.1", closed, Duration.ofSeconds(5)))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RpcException.Code.UNAVAILABLE);
              assertThat(e.describe()).isEqualTo("connection refused");
              assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
            });
  }

  @Test
  void http1Server_isNamedAsNotGrpc() throws Exception {
    try (ServerSocket http = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try (Socket s = http.accept()) {
                  s.getInputStream().read(new byte[100]);
                  OutputStream o = s.getOutputStream();
                  o.write(
                      "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                          .getBytes(StandardCharsets.US_ASCII));
                  o.flush();
                  s.getInputStream().read(new byte[100]);
                } catch (java.io.IOException e) {
                  // the client hung up
                }
              });
      try (GrpcChannel ch =
          GrpcChannel.connect("127.0.0.1", http.getLocalPort(), Duration.ofSeconds(5))) {
        assertThatThrownBy(
                () ->
                    client(ch, Duration.ofSeconds(5))
                        .pauseBackend(BackendRequest.getDefaultInstance()))
            .isInstanceOfSatisfying(
                RpcException.class,
                e -> {
                  assertThat(e.code()).isEqualTo(RpcException.Code.UNAVAILABLE);
                  assertThat(e.describe()).contains("does not speak gRPC");
                });
      }
    }
  }

  @Test
  void localhost_reachesTheLoopbackServer() {
    try (GrpcChannel ch = GrpcChannel.connect("localhost", port, Duration.ofSeconds(5))) {
      assertThat(
              client(ch, Duration.ofSeconds(5))
                  .pauseBackend(BackendRequest.newBuilder().setName("x").build())
                  .getState())
          .isEqualTo("paused");
    }
  }

  /** A channel supplier as the shell's session has: a new connection when the old one broke. */
  private static final class Reconnecting implements java.util.function.Supplier<GrpcChannel> {
    private final int port;
    GrpcChannel current;

    Reconnecting(int port) {
      this.port = port;
    }

    @Override
    public synchronized GrpcChannel get() {
      if (current == null || !current.usable()) {
        current = GrpcChannel.connect("127.0.0.1", port, Duration.ofSeconds(5));
      }
      return current;
    }
  }

  /** A TCP relay to the server whose connections can be cut, as a crash would, without GOAWAY. */
  private static final class Relay implements AutoCloseable {
    final ServerSocket listener =
        new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    final java.util.List<Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();

    Relay(int target) throws java.io.IOException {
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                while (!listener.isClosed()) {
                  try {
                    Socket in = listener.accept();
                    Socket out = new Socket("127.0.0.1", target);
                    open.add(in);
                    open.add(out);
                    pump(in, out);
                    pump(out, in);
                  } catch (java.io.IOException e) {
                    return;
                  }
                }
              });
    }

    private static void pump(Socket from, Socket to) {
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try {
                  from.getInputStream().transferTo(to.getOutputStream());
                } catch (java.io.IOException e) {
                  // cut
                }
              });
    }

    void cut() throws java.io.IOException {
      for (Socket s : open) {
        s.close();
      }
      open.clear();
    }

    @Override
    public void close() throws java.io.IOException {
      listener.close();
      cut();
    }
  }

  @Test
  void deadConnection_readsGoThroughOnANewOne_changesAreNotSentTwice() throws Exception {
    try (Relay relay = new Relay(port)) {
      Reconnecting channels = new Reconnecting(relay.listener.getLocalPort());
      MaglevClient c = new MaglevClient(channels, Duration.ofSeconds(5));
      var pause = BackendRequest.newBuilder().setName("a").build();
      var get = GetBackendRequest.newBuilder().setName("x").build();
      assertThat(c.pauseBackend(pause).getState()).isEqualTo("paused");

      relay.cut(); // the server "crashed" with the idle connection open on our side
      assertThatThrownBy(() -> c.getBackend(get))
          .as("a read is sent again on a new connection")
          .isInstanceOfSatisfying(
              RpcException.class, e -> assertThat(e.code()).isEqualTo(RpcException.Code.NOT_FOUND));

      relay.cut();
      assertThatThrownBy(() -> c.pauseBackend(pause))
          .as("a change is not: it may have been applied")
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.code()).isEqualTo(RpcException.Code.UNAVAILABLE));
      assertThat(c.pauseBackend(pause).getState()).isEqualTo("paused");
      channels.current.close();
    }
  }

  @Test
  void gracefulServerShutdown_callsGoThroughOnANewConnection() throws Exception {
    Reconnecting channels = new Reconnecting(port);
    MaglevClient c = new MaglevClient(channels, Duration.ofSeconds(5));
    var pause = BackendRequest.newBuilder().setName("a").build();
    c.pauseBackend(pause);
    GrpcChannel first = channels.current;
    Server old = server;
    old.shutdown(); // GOAWAY to the idle connection; the old server drains
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .addService(new TestService())
            .build()
            .start();
    try {
      // whether the draining server still takes it or refuses it unprocessed, it succeeds
      assertThat(c.pauseBackend(pause).getState()).isEqualTo("paused");
      assertThat(c.pauseBackend(pause).getState()).isEqualTo("paused");
      assertThat(channels.current).isNotSameAs(first);
    } finally {
      channels.current.close();
      first.close();
      old.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
