package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminActionTest {
  static AdminAction.Parsed parse(String path, String body) {
    return AdminAction.parse(List.of(path.split("/", -1)), body);
  }

  @Test
  void lifecycle() {
    assertThat(parse("lb0/backends/nginx0/pause", "").action())
        .isEqualTo(new AdminAction.Lifecycle("lb0", "nginx0", "pause", "", Duration.ZERO));
    assertThat(parse("lb0/backends/nginx0/explode", "").action()).isNull();
  }

  @Test
  void lifecycle_takesAReasonAndATtl() {
    assertThat(
            parse("lb0/backends/nginx0/pause", "{\"reason\":\" kernel upgrade \",\"ttl\":\"2h\"}")
                .action())
        .isEqualTo(
            new AdminAction.Lifecycle(
                "lb0", "nginx0", "pause", "kernel upgrade", Duration.ofHours(2)));
    assertThat(parse("lb0/backends/nginx0/disable", "{\"ttl\":\"1m30s\"}").action())
        .isEqualTo(
            new AdminAction.Lifecycle("lb0", "nginx0", "disable", "", Duration.ofSeconds(90)));
    assertThat(parse("lb0/backends/nginx0/enable", "{\"reason\":\"back\",\"ttl\":\"\"}").action())
        .isEqualTo(new AdminAction.Lifecycle("lb0", "nginx0", "enable", "back", Duration.ZERO));
    assertThat(parse("lb0/backends/nginx0/resume", "{\"reason\":\"done\"}").action())
        .isEqualTo(new AdminAction.Lifecycle("lb0", "nginx0", "resume", "done", Duration.ZERO));
    assertThat(parse("lb0/backends/nginx0/pause", "{}").action())
        .isEqualTo(new AdminAction.Lifecycle("lb0", "nginx0", "pause", "", Duration.ZERO));
  }

  @Test
  void lifecycle_refusesABadReasonOrTtl_namingTheField() {
    String pause = "lb0/backends/nginx0/pause";
    assertThat(parse(pause, "{\"reason\":\"two\\nlines\"}").error())
        .isEqualTo(
            "reason: contains a line break or control character (expected: one line of text)");
    assertThat(parse(pause, "{\"reason\":\"" + "x".repeat(513) + "\"}").error())
        .isEqualTo("reason: 513 characters (expected: at most 512)");
    assertThat(parse(pause, "{\"reason\":\"" + "x".repeat(512) + "\"}").action()).isNotNull();
    assertThat(parse(pause, "{\"reason\":42}").error())
        .isEqualTo("reason: 42 (expected: a string, one line of text)");
    String positive = " (expected: a positive Go duration such as \"30m\" or \"2h\")";
    assertThat(parse(pause, "{\"ttl\":\"two hours\"}").error())
        .isEqualTo("ttl: \"two hours\"" + positive);
    assertThat(parse(pause, "{\"ttl\":\"-5m\"}").error()).isEqualTo("ttl: \"-5m\"" + positive);
    assertThat(parse(pause, "{\"ttl\":\"0s\"}").error()).isEqualTo("ttl: \"0s\"" + positive);
    assertThat(parse(pause, "{\"ttl\":7200}").error()).isEqualTo("ttl: 7200" + positive);
    assertThat(parse(pause, "{\"ttl\":\"9000h\"}").error())
        .isEqualTo("ttl: \"9000h\" (expected: at most 366 days, 8784h)");
    assertThat(parse("lb0/backends/nginx0/resume", "{\"ttl\":\"1h\"}").error())
        .isEqualTo("ttl: a resume takes none (it ends the pause; expected: no ttl)");
    assertThat(parse(pause, "{\"ttl_ns\":5}").error())
        .isEqualTo(
            "body: unknown field \"ttl_ns\" (expected: nothing, or {\"reason\": \"text\","
                + " \"ttl\": \"2h\"})");
    assertThat(parse("lb0/backends/nginx0/resume", "[1]").error())
        .isEqualTo("body: [1] (expected: nothing, or {\"reason\": \"text\"})");
  }

  @Test
  void setWeight_validatesTheBody() {
    String path = "lb0/frontends/web/pools/primary/backends/nginx0/weight";
    assertThat(parse(path, "{\"weight\":40,\"flush\":true}").action())
        .isEqualTo(
            new AdminAction.SetWeight(
                "lb0", "web", "primary", "nginx0", 40, true, "", Duration.ZERO));
    assertThat(parse(path, "{\"weight\":0}").action())
        .isEqualTo(
            new AdminAction.SetWeight(
                "lb0", "web", "primary", "nginx0", 0, false, "", Duration.ZERO));
    assertThat(parse(path, "{\"weight\":20,\"reason\":\"canary\",\"ttl\":\"30m\"}").action())
        .isEqualTo(
            new AdminAction.SetWeight(
                "lb0", "web", "primary", "nginx0", 20, false, "canary", Duration.ofMinutes(30)));
    assertThat(parse(path, "{\"weight\":20,\"ttl\":\"soon\"}").error())
        .isEqualTo("ttl: \"soon\" (expected: a positive Go duration such as \"30m\" or \"2h\")");
    assertThat(parse(path, "{\"weight\":20,\"reason\":[\"a\"]}").error())
        .isEqualTo("reason: [\"a\"] (expected: a string, one line of text)");
    assertThat(parse(path, "{\"weight\":20,\"why\":\"x\"}").error())
        .startsWith("body: unknown field \"why\" (expected: {\"weight\": 0-100,");
    assertThat(parse(path, "{\"weight\":101}").error()).isEqualTo("weight: 101 (expected: 0-100)");
    assertThat(
            parse(
                    "lb0/frontends/web/pools/primary/backends/nginx0/weight-preview",
                    "{\"weight\":7}")
                .action())
        .isEqualTo(new AdminAction.WeightPreview("lb0", "web", "primary", "nginx0", 7));
    String expected = " (expected: {\"weight\": 0-100, \"flush\": true|false})";
    assertThat(parse(path, "").error()).isEqualTo("body: (empty)" + expected);
    assertThat(parse(path, "{\"weight\":\"50\"}").error())
        .isEqualTo("body: {\"weight\":\"50\"}" + expected);
    assertThat(parse(path, "{\"weight\":2.5}").error())
        .isEqualTo("body: {\"weight\":2.5}" + expected);
    assertThat(parse(path, "{\"weight\":5,\"flush\":\"yes\"}").error())
        .isEqualTo("body: {\"weight\":5,\"flush\":\"yes\"}" + expected);
    assertThat(parse(path, "not json").error()).isEqualTo("body: not json" + expected);
  }

  @Test
  void syncAndReload() {
    assertThat(parse("lb0/sync-vpp", "").action()).isEqualTo(new AdminAction.SyncVpp("lb0", ""));
    assertThat(parse("lb0/sync-vpp", "{\"frontend\":\"web\"}").action())
        .isEqualTo(new AdminAction.SyncVpp("lb0", "web"));
    assertThat(parse("lb0/sync-vpp", "[1]").error())
        .isEqualTo("body: [1] (expected: nothing, or {\"frontend\": \"name\"})");
    assertThat(parse("lb0/reload-config", "").action())
        .isEqualTo(new AdminAction.ReloadConfig("lb0"));
    assertThat(parse("lb0/release-checker", "").action())
        .isEqualTo(new AdminAction.ReleaseChecker("lb0"));
    assertThat(parse("lb0/release-checker/now", "").error())
        .endsWith("{maglevd}/reload-config or {maglevd}/release-checker)");
  }

  @Test
  void unknownPaths_listWhatExists() {
    assertThat(parse("lb0/frobnicate", "").error())
        .startsWith("no admin action at /admin/api/lb0/frobnicate (expected: {maglevd}/backends/");
  }
}
