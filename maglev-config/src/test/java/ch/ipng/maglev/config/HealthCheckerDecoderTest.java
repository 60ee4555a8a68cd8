package ch.ipng.maglev.config;

import static ch.ipng.maglev.config.Decoding.config;
import static ch.ipng.maglev.config.Decoding.errors;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HealthCheckerDecoderTest {
  @Test
  void netnsAndHistory_areRead() throws Exception {
    HealthCheckerSettings s =
        config("maglev:\n  healthchecker:\n    netns: dataplane\n    transition-history: 10000\n")
            .healthchecker();
    assertThat(s.netns()).isEqualTo("dataplane");
    assertThat(s.transitionHistory()).isEqualTo(10_000);
  }

  @Test
  void emptyNetns_meansMaglevdsOwnNamespace() throws Exception {
    assertThat(config("maglev:\n  healthchecker:\n    netns: \"\"\n").healthchecker().netns())
        .isNull();
  }

  @Test
  void netnsThatIsNoPlainName_isRefused() {
    assertThat(errors("maglev:\n  healthchecker:\n    netns: ../etc\n"))
        .containsExactly(
            "maglev.healthchecker.netns: invalid namespace name \"../etc\" (expected: a name"
                + " under /var/run/netns) (line 3, column 12)");
    assertThat(errors("maglev:\n  healthchecker:\n    netns: ..\n"))
        .containsExactly(
            "maglev.healthchecker.netns: invalid namespace name \"..\" (expected: a name"
                + " under /var/run/netns) (line 3, column 12)");
  }

  @Test
  void historyAboveTheLimit_isRefused() {
    assertThat(errors("maglev:\n  healthchecker:\n    transition-history: 10001\n"))
        .containsExactly(
            "maglev.healthchecker.transition-history: transition-history: 10001 (expected:"
                + " 1-10000) (line 3, column 25)");
  }
}
