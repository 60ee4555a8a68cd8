package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.testing.Configs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every warm-up rule on a fixed clock: min delay, per-VIP release, max delay, the view. */
class WarmUpTest {
  static final Instant START = Instant.parse("2026-12-06T12:00:00Z");

  /** Frontends listed in reverse VIP order; min delay 1 s, max delay 6 s. */
  static final String CONFIG =
      """
      maglev:
        vpp:
          lb:
            startup-min-delay: 1s
            startup-max-delay: 6s
        healthchecks:
          hc: { type: tcp, port: 80 }
        backends:
          a: { address: 198.18.0.1, healthcheck: hc }
          b: { address: 198.18.0.2, healthcheck: hc }
        frontends:
          zeta: { address: 198.19.0.9, protocol: tcp, port: 80, pools: [ { name: p, backends: { a: {} } } ] }
          alpha: { address: 198.19.0.1, protocol: tcp, port: 80, pools: [ { name: p, backends: { a: {} } } ] }
          both: { address: 198.19.0.5, protocol: tcp, port: 80, pools: [ { name: p, backends: { a: {}, b: {} } } ] }
      """;

  final WarmUp warmUp = new WarmUp(START);

  static LiveModel model(Map<String, BackendState> states) {
    return LiveModel.of(Configs.parse(CONFIG), states);
  }

  static Instant at(long millis) {
    return START.plus(Duration.ofMillis(millis));
  }

  @Test
  void beforeTheMinDelay_nothingIsReleased_evenWithEveryBackendKnown() {
    LiveModel known = model(Map.of("a", BackendState.UP, "b", BackendState.DOWN));

    assertThat(warmUp.tick(known, at(999))).isEqualTo(WarmUp.Step.NOTHING);
    assertThat(warmUp.released(known, "alpha", at(999))).isFalse();
    assertThat(warmUp.handsOff(known.config().vppLb(), at(999))).isTrue();
    assertThat(warmUp.handsOff(known.config().vppLb(), at(1000))).isFalse();
  }

  @Test
  void afterTheMinDelay_aFrontendIsReleasedOnceAllItsBackendsAreKnown_inVipOrder() {
    LiveModel onlyA = model(Map.of("a", BackendState.UP));

    WarmUp.Step step = warmUp.tick(onlyA, at(1000));

    assertThat(step.ended()).isFalse();
    assertThat(step.released()).containsExactly("alpha", "zeta"); // both waits for b
    assertThat(warmUp.tick(onlyA, at(1100)).released()).isEmpty();

    LiveModel all = model(Map.of("a", BackendState.UP, "b", BackendState.PAUSED));
    assertThat(warmUp.tick(all, at(1200)).released()).containsExactly("both");
  }

  @Test
  void aReleasedFrontend_staysReleased_whenABackendIsUnknownAgain() {
    warmUp.tick(model(Map.of("a", BackendState.UP)), at(2000));

    LiveModel restarted = model(Map.of());
    assertThat(warmUp.released(restarted, "alpha", at(2100))).isTrue();
    assertThat(warmUp.released(restarted, "both", at(2100))).isFalse();
  }

  @Test
  void atTheMaxDelay_theWarmUpEnds_andEveryFrontendIsReleased() {
    LiveModel unknown = model(Map.of());

    assertThat(warmUp.tick(unknown, at(5999))).isEqualTo(WarmUp.Step.NOTHING);
    assertThat(warmUp.tick(unknown, at(6000))).isEqualTo(new WarmUp.Step(true, List.of()));
    assertThat(warmUp.warm()).isTrue();
    assertThat(warmUp.released(unknown, "both", at(6000))).isTrue();
    assertThat(warmUp.tick(unknown, at(7000))).isEqualTo(WarmUp.Step.NOTHING);
  }

  @Test
  void theView_namesTheHeldFrontendsInNameOrder_andTheTimes() {
    LiveModel onlyA = model(Map.of("a", BackendState.UP));
    assertThat(warmUp.view(onlyA))
        .isEqualTo(new WarmUpView(true, at(1000), at(6000), List.of("alpha", "both", "zeta")));

    warmUp.tick(onlyA, at(1000));
    assertThat(warmUp.view(onlyA).heldFrontends()).containsExactly("both");

    warmUp.tick(onlyA, at(6000));
    assertThat(warmUp.view(onlyA)).isEqualTo(new WarmUpView(false, at(1000), at(6000), List.of()));
  }
}
