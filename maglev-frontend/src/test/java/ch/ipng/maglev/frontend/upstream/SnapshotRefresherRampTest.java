package ch.ipng.maglev.frontend.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.ListFrontendsResponse;
import ch.ipng.maglev.proto.PoolBackendInfo;
import ch.ipng.maglev.proto.PoolInfo;
import ch.ipng.maglev.proto.SlowStartInfo;
import org.junit.jupiter.api.Test;

/** The snapshot follows a slow-start ramp once a second: it knows when one is on. */
class SnapshotRefresherRampTest {
  private static ListFrontendsResponse with(PoolBackendInfo b) {
    return ListFrontendsResponse.newBuilder()
        .addFrontends(
            FrontendInfo.newBuilder()
                .setName("web")
                .addPools(PoolInfo.newBuilder().setName("p").addBackends(b)))
        .build();
  }

  @Test
  void aBackendWithARamp_isRamping_othersAreNot() {
    PoolBackendInfo plain = PoolBackendInfo.newBuilder().setName("a").setWeight(100).build();
    assertThat(SnapshotRefresher.ramping(ListFrontendsResponse.getDefaultInstance())).isFalse();
    assertThat(SnapshotRefresher.ramping(with(plain))).isFalse();
    PoolBackendInfo ramping =
        plain.toBuilder()
            .setSlowStart(SlowStartInfo.newBuilder().setWeight(40).setTargetWeight(100))
            .build();
    assertThat(SnapshotRefresher.ramping(with(ramping))).isTrue();
  }
}
