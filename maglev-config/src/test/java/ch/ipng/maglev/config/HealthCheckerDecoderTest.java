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

  @Test
  void selfSuspicion_defaultsWhenAbsent() throws Exception {
    assertThat(config("maglev:\n  healthchecker: {}\n").healthchecker().selfSuspicion())
        .isEqualTo(SelfSuspicionSettings.defaults());
    assertThat(SelfSuspicionSettings.defaults())
        .isEqualTo(
            new SelfSuspicionSettings(true, 5, 50, null, null, java.time.Duration.ofSeconds(60)));
  }

  @Test
  void selfSuspicion_isRead() throws Exception {
    SelfSuspicionSettings s =
        config(
                "maglev:\n  healthchecker:\n    self-suspicion:\n      enabled: false\n"
                    + "      min-backends: 10\n      share: 60\n      window: 5s\n"
                    + "      max-lateness: 3s\n      hold: 2m\n")
            .healthchecker()
            .selfSuspicion();
    assertThat(s)
        .isEqualTo(
            new SelfSuspicionSettings(
                false,
                10,
                60,
                java.time.Duration.ofSeconds(5),
                java.time.Duration.ofSeconds(3),
                java.time.Duration.ofMinutes(2)));
  }

  @Test
  void selfSuspicion_badValues_areRefusedWithPathAndLine() {
    assertThat(
            errors(
                "maglev:\n  healthchecker:\n    self-suspicion:\n      min-backends: 0\n"
                    + "      share: 101\n      window: 0s\n      max-lateness: -1s\n"))
        .containsExactlyInAnyOrder(
            "maglev.healthchecker.self-suspicion.min-backends: min-backends: 0 (expected:"
                + " 1-1000000) (line 4, column 21)",
            "maglev.healthchecker.self-suspicion.share: share: 101 (expected: 1-100) (line 5,"
                + " column 14)",
            "maglev.healthchecker.self-suspicion.window: 0s (expected: > 0) (line 6, column 15)",
            "maglev.healthchecker.self-suspicion.max-lateness: -1s (expected: > 0) (line 7,"
                + " column 21)");
    assertThat(
            errors(
                "maglev:\n  healthchecker:\n    self-suspicion:\n      min-backends: 5\n"
                    + "      share: 50\n      window: 1s\n      max-lateness: 1s\n"
                    + "      hold: soon\n      canary: x\n"))
        .containsExactlyInAnyOrder(
            "maglev.healthchecker.self-suspicion.hold: invalid duration \"soon\" (expected: a Go"
                + " duration such as 500ms, 2s or 1m30s) (line 8, column 13)",
            "maglev.healthchecker.self-suspicion.canary: unknown key \"canary\" (expected one of:"
                + " enabled, min-backends, share, window, max-lateness, hold, canaries) (line 9, column 7)");
  }

  @Test
  void canaries_areRead_addressesForIcmp_addressAndPortForTcp() throws Exception {
    SelfSuspicionSettings s =
        config(
                "maglev:\n  healthchecker:\n    self-suspicion:\n      canaries:\n"
                    + "        - 198.18.0.1\n        - 198.18.0.2:80\n"
                    + "        - \"[2001:db8::1]:443\"\n        - 2001:db8::2\n")
            .healthchecker()
            .selfSuspicion();
    assertThat(s.canaries())
        .extracting(Canary::label)
        .containsExactly("198.18.0.1", "198.18.0.2:80", "[2001:db8::1]:443", "2001:db8::2");
    assertThat(s.canaries()).extracting(Canary::icmp).containsExactly(true, false, false, true);
    assertThat(config("maglev:\n  healthchecker: {}\n").healthchecker().selfSuspicion().canaries())
        .isEmpty();
  }

  @Test
  void canaries_badValues_areRefusedWithPathAndLine() {
    assertThat(
            errors(
                "maglev:\n  healthchecker:\n    self-suspicion:\n      canaries:\n"
                    + "        - example.com\n        - 198.18.0.1:0\n        - 198.18.0.1:65536\n"
                    + "        - 2001:db8::1:80\n        - 198.18.0.3\n        - 198.18.0.3\n"))
        .containsExactlyInAnyOrder(
            "maglev.healthchecker.self-suspicion.canaries[0]: invalid canary \"example.com\""
                + " (expected: an IP address, or address:port with a port 1-65535, e.g."
                + " 198.18.0.1, 198.18.0.1:80, [2001:db8::1]:443) (line 5, column 11)",
            "maglev.healthchecker.self-suspicion.canaries[1]: invalid canary \"198.18.0.1:0\""
                + " (expected: an IP address, or address:port with a port 1-65535, e.g."
                + " 198.18.0.1, 198.18.0.1:80, [2001:db8::1]:443) (line 6, column 11)",
            "maglev.healthchecker.self-suspicion.canaries[2]: invalid canary"
                + " \"198.18.0.1:65536\" (expected: an IP address, or address:port with a port"
                + " 1-65535, e.g. 198.18.0.1, 198.18.0.1:80, [2001:db8::1]:443) (line 7, column 11)",
            "maglev.healthchecker.self-suspicion.canaries[5]: duplicate canary \"198.18.0.3\""
                + " (line 10, column 11)");
    // a structural error (a parse error, exit status 1) is reported on its own
    assertThat(
            errors(
                "maglev:\n  healthchecker:\n    self-suspicion:\n      canaries:\n"
                    + "        - [1]\n"))
        .containsExactly(
            "maglev.healthchecker.self-suspicion.canaries[0]: expected a string, got a list"
                + " (line 5, column 11)");
  }
}
