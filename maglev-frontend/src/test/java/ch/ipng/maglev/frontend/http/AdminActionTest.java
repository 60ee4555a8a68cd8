package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AdminActionTest {
  static AdminAction.Parsed parse(String path, String body) {
    return AdminAction.parse(List.of(path.split("/", -1)), body);
  }

  @Test
  void lifecycle() {
    assertThat(parse("lb0/backends/nginx0/pause", "").action())
        .isEqualTo(new AdminAction.Lifecycle("lb0", "nginx0", "pause"));
    assertThat(parse("lb0/backends/nginx0/explode", "").action()).isNull();
  }

  @Test
  void setWeight_validatesTheBody() {
    String path = "lb0/frontends/web/pools/primary/backends/nginx0/weight";
    assertThat(parse(path, "{\"weight\":40,\"flush\":true}").action())
        .isEqualTo(new AdminAction.SetWeight("lb0", "web", "primary", "nginx0", 40, true));
    assertThat(parse(path, "{\"weight\":0}").action())
        .isEqualTo(new AdminAction.SetWeight("lb0", "web", "primary", "nginx0", 0, false));
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
