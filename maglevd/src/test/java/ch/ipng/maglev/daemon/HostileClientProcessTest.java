package ch.ipng.maglev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.TestServers;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.GetBackendRequest;
import ch.ipng.maglev.proto.ListBackendsRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.SetWeightRequest;
import ch.ipng.maglev.proto.WatchRequest;
import com.google.gson.JsonParser;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile gRPC clients against a real maglevd (64 MB heap, started under nohup): thousands of
 * WatchEvents streams that never read, a malformed body, huge names, huge weights. The process
 * stays up, answers the documented errors, keeps its heap and its log (JSON lines).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileClientProcessTest {
  private TestServers.Http web;
  private DaemonProcess daemon;
  private ManagedChannel channel;

  @BeforeAll
  void start(@TempDir Path dir) throws IOException {
    web = TestServers.http(200, "ok");
    Path file = dir.resolve("maglev.yaml");
    Files.writeString(
        file, DaemonProcessTest.config(web.port(), "a: { address: 127.0.0.1, healthcheck: http }"));
    daemon =
        DaemonProcess.start(
            dir,
            List.of("nohup"),
            List.of("-Xmx64m", "-XX:+UseSerialGC"),
            "--config",
            file.toString(),
            "--watch-streams-per-address=16");
    channel = NettyChannelBuilder.forAddress("127.0.0.1", daemon.grpcPort()).usePlaintext().build();
  }

  @AfterAll
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    daemon.close();
    web.close();
  }

  private MaglevGrpc.MaglevBlockingStub stub() {
    return MaglevGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void twoThousandStreamsThatNeverRead_beyondTheLimitAreRefused_heapStaysBounded()
      throws Exception {
    long heapBefore = heapUsedAfterGc();
    int streams = 2000;
    int limit = 16;
    AtomicInteger exhausted = new AtomicInteger();
    AtomicInteger otherwise = new AtomicInteger();
    Map<String, Boolean> messages = new ConcurrentHashMap<>();
    List<ClientCall<WatchRequest, Event>> calls = new ArrayList<>();
    // transitions only, no log records: the admitted streams never read, and log records (at
    // debug) could fill a queue (1,024 events) and drop a stream as too slow, changing the counts
    WatchRequest transitions = WatchRequest.newBuilder().setBackend(true).setFrontend(true).build();
    for (int i = 0; i < streams; i++) {
      ClientCall<WatchRequest, Event> call =
          channel.newCall(MaglevGrpc.getWatchEventsMethod(), CallOptions.DEFAULT);
      call.start(
          new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
              if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                messages.put(String.valueOf(status.getDescription()), true);
                exhausted.incrementAndGet();
              } else {
                otherwise.incrementAndGet();
              }
            }
          },
          new Metadata());
      call.sendMessage(transitions);
      call.halfClose(); // and never call.request(): this client reads nothing
      calls.add(call);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> exhausted.get() == streams - limit);
    assertThat(messages.keySet())
        .containsExactly(
            "too many event streams from 127.0.0.1: 16 open, the limit"
                + " (--watch-streams-per-address) is 16");
    assertThat(otherwise.get()).as("streams ended otherwise").isZero();

    // still answering, counting, and not holding what the refused streams cost
    assertThat(stub().listBackends(ListBackendsRequest.getDefaultInstance()).getBackendsCount())
        .isEqualTo(1);
    assertThat(metrics())
        .contains("maglev_grpc_watch_streams_rejected_total{reason=\"limit-address\"} 1984.0");
    long grown = heapUsedAfterGc() - heapBefore;
    assertThat(grown).as("heap growth after GC, bytes").isLessThan(8L << 20);

    calls.forEach(c -> c.cancel("done", null));
    // the slots come back: a new stream is accepted (its first event arrives) once the server has
    // seen the cancels; the accepted one is then cancelled, not left open on the shared channel
    try (Context.CancellableContext watching = Context.current().withCancellation()) {
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
          .until(
              () ->
                  watching.call(
                      () ->
                          MaglevGrpc.newBlockingStub(channel)
                              .withDeadlineAfter(10, TimeUnit.SECONDS)
                              .watchEvents(WatchRequest.newBuilder().setFrontend(true).build())
                              .hasNext()));
    }
  }

  @Test
  void aMalformedBody_isInvalidArgument_andTheLogStaysJsonLines() throws IOException {
    MethodDescriptor<byte[], byte[]> raw =
        MaglevGrpc.getGetBackendMethod().toBuilder(BYTES, BYTES).build();
    for (int i = 0; i < 50; i++) {
      assertThatThrownBy(
              () ->
                  ClientCalls.blockingUnaryCall(
                      channel,
                      raw,
                      CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                      new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription())
                    .startsWith("GetBackend: the request is not a valid message: ");
              });
    }
    assertThat(stub().getBackend(GetBackendRequest.newBuilder().setName("a").build()).getName())
        .isEqualTo("a");
    String log = daemon.log();
    for (String line : log.lines().toList()) {
      assertThat(JsonParser.parseString(line).isJsonObject()).as(line).isTrue();
    }
    assertThat(log).doesNotContain("SEVERE").doesNotContain("Application error");
    long badRequestLines = log.lines().filter(l -> l.contains("\"grpc-bad-request\"")).count();
    assertThat(badRequestLines).as("rate-limited").isBetween(1L, 10L);
  }

  @Test
  void aLongName_comesBackShort_asNotFound() {
    String name = "x".repeat(60_000);
    assertThatThrownBy(
            () -> stub().getBackend(GetBackendRequest.newBuilder().setName(name).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("backend \"" + "x".repeat(256) + "… (60000 characters)\" not found");
            });
    assertThatThrownBy(
            () ->
                stub()
                    .setFrontendPoolBackendWeight(
                        SetWeightRequest.newBuilder()
                            .setFrontend(name)
                            .setPool("main")
                            .setBackend("a")
                            .setWeight(5)
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription()).hasSizeLessThan(300);
            });
  }

  @Test
  void aMegabyteName_isRefusedUnread_withAShortMessage() {
    String name = "x".repeat(1 << 20);
    assertThatThrownBy(
            () -> stub().getBackend(GetBackendRequest.newBuilder().setName(name).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getStatus().getDescription()).hasSizeLessThan(200).contains("65536");
            });
  }

  @Test
  void aWeightOf2To31_isInvalidArgument_namingTheWeightSent() {
    for (long w : new long[] {1L << 31, 0xffffffffL, 101}) {
      assertThatThrownBy(
              () ->
                  stub()
                      .setFrontendPoolBackendWeight(
                          SetWeightRequest.newBuilder()
                              .setFrontend("site")
                              .setPool("main")
                              .setBackend("a")
                              .setWeight((int) w)
                              .build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription())
                    .isEqualTo("weight: " + w + " (expected: 0-100)");
              });
    }
  }

  @Test
  void startedUnderNohup_warnsThatSighupIsIgnored() throws IOException {
    assertThat(daemon.log()).contains("\"msg\":\"sighup-ignored\"");
  }

  private String metrics() throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + daemon.metricsPort() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  /** The heap in use right after a full collection, from jcmd (generations, not metaspace). */
  private long heapUsedAfterGc() throws IOException, InterruptedException {
    jcmd("GC.run");
    long kb = 0;
    for (String line : jcmd("GC.heap_info").lines().toList()) {
      if (line.contains("Metaspace") || line.contains("class space")) {
        continue;
      }
      Matcher m = USED.matcher(line);
      if (line.contains("total") && m.find()) { // DefNew, Tenured (serial); heap (G1)
        kb += Long.parseLong(m.group(1));
      }
    }
    assertThat(kb).as("heap figures from jcmd").isPositive();
    return kb * 1024;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(daemon.pid()),
                command)
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
}
