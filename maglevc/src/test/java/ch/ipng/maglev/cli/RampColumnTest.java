package ch.ipng.maglev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.proto.PoolBackendInfo;
import ch.ipng.maglev.proto.SlowStartInfo;
import ch.ipng.maglev.proto.WeightReason;
import org.junit.jupiter.api.Test;

/** The EFFECTIVE column of {@code show frontend} for a backend in a slow-start ramp. */
class RampColumnTest {
  private static PoolBackendInfo entry(int weight, long leftNs) {
    return PoolBackendInfo.newBuilder()
        .setName("nginx0-ams")
        .setWeight(100)
        .setEffectiveWeight(weight)
        .setReason(WeightReason.WEIGHT_REASON_SLOW_START)
        .setSlowStart(
            SlowStartInfo.newBuilder()
                .setFrontend("web")
                .setWeight(weight)
                .setTargetWeight(100)
                .setLeftNs(leftNs))
        .build();
  }

  @Test
  void aRamp_showsItsTargetAndTheSecondsLeftRoundedUp() {
    assertThat(ShowCommands.effective(entry(40, 11_200_000_000L))).isEqualTo("40 → 100, 12 s left");
    assertThat(ShowCommands.effective(entry(40, 12_000_000_000L))).isEqualTo("40 → 100, 12 s left");
    assertThat(ShowCommands.reason(WeightReason.WEIGHT_REASON_SLOW_START)).isEqualTo("slow-start");
  }

  @Test
  void aRampPastSlowStart_saysTheChurnBoundHoldsIt() {
    assertThat(ShowCommands.effective(entry(90, 0)))
        .isEqualTo("90 → 100, past slow-start (churn bound)");
  }

  @Test
  void noRamp_isTheEffectiveWeightAlone() {
    PoolBackendInfo plain =
        PoolBackendInfo.newBuilder().setEffectiveWeight(100).setWeight(100).build();
    assertThat(ShowCommands.effective(plain)).isEqualTo("100");
  }
}
