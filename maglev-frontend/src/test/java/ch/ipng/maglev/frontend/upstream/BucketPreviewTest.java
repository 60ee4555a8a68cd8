package ch.ipng.maglev.frontend.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.PoolBackendInfo;
import ch.ipng.maglev.proto.PoolInfo;
import ch.ipng.maglev.proto.VPPLBAS;
import ch.ipng.maglev.proto.VPPLBState;
import ch.ipng.maglev.proto.VPPLBVIP;
import ch.ipng.maglev.vpp.maglev.MaglevTable;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class BucketPreviewTest {
  static final FrontendInfo WEB =
      FrontendInfo.newBuilder()
          .setName("web")
          .setActivePool(0)
          .addPools(
              PoolInfo.newBuilder()
                  .setName("primary")
                  .addBackends(backend("a", 100))
                  .addBackends(backend("b", 100)))
          .addPools(PoolInfo.newBuilder().setName("fallback").addBackends(backend("c", 0)))
          .build();

  static PoolBackendInfo backend(String name, int effective) {
    return PoolBackendInfo.newBuilder()
        .setName(name)
        .setWeight(100)
        .setEffectiveWeight(effective)
        .setState("up")
        .build();
  }

  static VPPLBAS as(String backend, String address, int weight) {
    return VPPLBAS
        .newBuilder()
        .setBackend(backend)
        .setAddress(address)
        .setWeight(weight)
        .setFlags(1)
        .build();
  }

  static final VPPLBState LB =
      VPPLBState.newBuilder()
          .addVips(
              VPPLBVIP
                  .newBuilder()
                  .setFrontend("web")
                  .setFlowTableLength(1024)
                  .addAses(as("a", "10.0.0.1", 100))
                  .addAses(as("b", "10.0.0.2", 100))
                  .addAses(as("c", "10.0.0.3", 0)))
          .build();

  static int[] counts(int wa, int wb, int wc) throws Exception {
    int[] table =
        MaglevTable.compute(
            1024,
            List.of(
                new MaglevTable.Server(1, InetAddress.getByName("10.0.0.1"), wa, true),
                new MaglevTable.Server(2, InetAddress.getByName("10.0.0.2"), wb, true),
                new MaglevTable.Server(3, InetAddress.getByName("10.0.0.3"), wc, true)));
    return MaglevTable.counts(table, 3);
  }

  @Test
  void drainingABackend_movesExactlyItsBuckets_toTheOthers() throws Exception {
    BucketPreview.Preview p = BucketPreview.of(WEB, LB, "primary", "b", 0).orElseThrow();
    int[] now = counts(100, 100, 0);
    assertThat(p.rows())
        .containsExactly(
            new BucketPreview.Row("a", now[1], 1024),
            new BucketPreview.Row("b", now[2], 0),
            new BucketPreview.Row("c", 0, 0));
    assertThat(p.moved()).isEqualTo(now[2]); // Maglev moves only the drained backend's buckets
    assertThat(p.length()).isEqualTo(1024);
  }

  @Test
  void halvingAWeight_isWhatTheLbPluginWouldBuild() throws Exception {
    BucketPreview.Preview p = BucketPreview.of(WEB, LB, "primary", "a", 50).orElseThrow();
    int[] after = counts(50, 100, 0);
    assertThat(p.rows())
        .extracting(BucketPreview.Row::after)
        .containsExactly(after[1], after[2], 0);
    assertThat(p.moved()).isPositive();
  }

  @Test
  void aBackendThatCarriesNothing_movesNothing_andNoVipMeansNoPreview() {
    // c is in the standby pool: its pool weight does not reach VPP while the primary serves
    assertThat(BucketPreview.of(WEB, LB, "fallback", "c", 100).orElseThrow().moved()).isZero();
    assertThat(BucketPreview.of(WEB, VPPLBState.getDefaultInstance(), "primary", "a", 0)).isEmpty();
  }
}
