package ch.ipng.maglev.frontend.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.frontend.http.AdminAction;
import ch.ipng.maglev.frontend.http.AdminApi;
import ch.ipng.maglev.frontend.sse.SseBroker;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.PreviewWeightAS;
import ch.ipng.maglev.proto.PreviewWeightRequest;
import ch.ipng.maglev.proto.PreviewWeightResponse;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dialog's preview is maglevd's PreviewFrontendPoolBackendWeight, passed on as the proto's JSON
 * (the field names the page reads), and its refusals with their message.
 */
class WeightPreviewRouteTest {
  final List<PreviewWeightRequest> asked = new CopyOnWriteArrayList<>();
  Server server;
  Maglevds maglevds;

  @BeforeEach
  void start() throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(
                new MaglevGrpc.MaglevImplBase() {
                  @Override
                  public void previewFrontendPoolBackendWeight(
                      PreviewWeightRequest req, StreamObserver<PreviewWeightResponse> out) {
                    asked.add(req);
                    if (req.getBackend().equals("nosuch")) {
                      out.onError(
                          Status.NOT_FOUND
                              .withDescription("backend \"nosuch\" not found")
                              .asRuntimeException());
                      return;
                    }
                    out.onNext(
                        PreviewWeightResponse.newBuilder()
                            .setTableLength(1024)
                            .setMoved(407)
                            .setReachesVpp(true)
                            .addAses(
                                PreviewWeightAS.newBuilder()
                                    .setAddress("10.0.0.1")
                                    .setBackend("a")
                                    .setWeightBefore(100)
                                    .setBucketsBefore(1024))
                            .build());
                    out.onCompleted();
                  }
                })
            .build()
            .start();
    maglevds =
        Maglevds.start(
            List.of("127.0.0.1:" + server.getPort()), SseBroker.create(Clock.systemUTC()));
  }

  @AfterEach
  void stop() throws InterruptedException {
    maglevds.close();
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  AdminApi.Reply preview(String backend, int weight) throws Exception {
    return maglevds
        .clients()
        .get(0)
        .perform(
            new AdminAction.WeightPreview("127.0.0.1", "web", "primary", backend, weight),
            "ops",
            "127.0.0.1")
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void thePreview_isMaglevdsAnswer_asTheProtosJson() throws Exception {
    AdminApi.Reply r = preview("a", 0);
    assertThat(r.status()).isEqualTo(200);
    JsonObject o = JsonParser.parseString(r.json()).getAsJsonObject();
    assertThat(o.get("table_length").getAsInt()).isEqualTo(1024);
    assertThat(o.get("moved").getAsInt()).isEqualTo(407);
    assertThat(o.get("reaches_vpp").getAsBoolean()).isTrue();
    assertThat(o.get("reason").getAsString()).isEmpty(); // defaults are printed: the page reads all
    JsonObject as = o.getAsJsonArray("ases").get(0).getAsJsonObject();
    assertThat(as.get("backend").getAsString()).isEqualTo("a");
    assertThat(as.get("buckets_before").getAsInt()).isEqualTo(1024);
    assertThat(as.get("buckets_after").getAsInt()).isZero();
    assertThat(asked)
        .containsExactly(
            PreviewWeightRequest.newBuilder()
                .setFrontend("web")
                .setPool("primary")
                .setBackend("a")
                .setWeight(0)
                .build());
  }

  @Test
  void maglevdsRefusal_isShownWithItsMessage() throws Exception {
    AdminApi.Reply r = preview("nosuch", 50);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json()).isEqualTo("{\"error\":\"backend \\\"nosuch\\\" not found\"}");
  }
}
