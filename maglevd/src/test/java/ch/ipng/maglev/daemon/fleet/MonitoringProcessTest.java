package ch.ipng.maglev.daemon.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.TestServers;
import ch.ipng.maglev.vppsim.testing.NamedBackends;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The monitoring that ships (monitoring/: alert rules, their promtool unit tests and the Grafana
 * dashboard) against real parts: promtool checks the rules and runs their tests, and a real
 * Prometheus (Debian's, on loopback, in its own directory) scrapes a real maglevd programming
 * maglev-vppsim; every expression of the rules and of the dashboard is evaluated through
 * Prometheus's HTTP API. A dashboard expression must return series; an alert expression must be
 * valid, and every selector in it (metric and label matchers) must select series (alerts are quiet
 * on a healthy router). One backend is probed over HTTPS, so the certificate-expiry metric has a
 * series; its test certificate lives two days, so the expiry alert is pending there (its "for" is
 * an hour) and nothing fires.
 */
class MonitoringProcessTest {
  static final Path MONITORING = Path.of("..", "monitoring").toAbsolutePath().normalize();
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  /** A series selector: a metric and its label matchers, if any (a typo in either selects none). */
  static final Pattern METRIC = Pattern.compile("\\bmaglev_[a-z0-9_]+(?:\\{[^}]*\\})?");

  static final int ALERTS = 14;

  @TempDir Path dir;

  /** Runs a program to its end: its exit status and output. */
  static Map.Entry<Integer, String> run(Path cwd, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s ended", List.of(cmd)).isTrue();
    return Map.entry(p.exitValue(), out);
  }

  @Test
  void promtool_checksTheRules_andTheirUnitTestsPass() throws Exception {
    assertThat(PROMTOOL)
        .as("promtool (Debian's prometheus package, make install-deps)")
        .isExecutable();
    var check = run(MONITORING, PROMTOOL.toString(), "check", "rules", "maglev-alerts.yml");
    assertThat(check.getKey()).as(check.getValue()).isZero();
    assertThat(check.getValue()).contains("SUCCESS: " + ALERTS + " rules found");
    var test = run(MONITORING, PROMTOOL.toString(), "test", "rules", "maglev-alerts.test.yml");
    assertThat(test.getKey()).as(test.getValue()).isZero();
    assertThat(test.getValue()).contains("SUCCESS");
  }

  /** Every alert's expression, by alert name. */
  @SuppressWarnings("unchecked")
  static Map<String, String> alertExpressions() throws IOException {
    Map<String, Object> doc =
        (Map<String, Object>)
            new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(MONITORING.resolve("maglev-alerts.yml")));
    Map<String, String> out = new TreeMap<>();
    for (Object g : (List<Object>) doc.get("groups")) {
      for (Object r : (List<Object>) ((Map<String, Object>) g).get("rules")) {
        Map<String, Object> rule = (Map<String, Object>) r;
        out.put((String) rule.get("alert"), (String) rule.get("expr"));
      }
    }
    return out;
  }

  /** Every panel target's expression, "$instance" as Grafana's "All" (.*). */
  static List<String> dashboardExpressions() throws IOException {
    JsonObject d =
        JsonParser.parseString(Files.readString(MONITORING.resolve("maglev-dashboard.json")))
            .getAsJsonObject();
    List<String> out = new ArrayList<>();
    for (JsonElement p : d.getAsJsonArray("panels")) {
      for (JsonElement t : p.getAsJsonObject().getAsJsonArray("targets")) {
        out.add(t.getAsJsonObject().get("expr").getAsString().replace("$instance", ".*"));
      }
    }
    return out;
  }

  /** Prometheus's answer to an instant query: its status and how many series it returned. */
  record Answer(String status, int series, String body) {}

  static Answer query(HttpClient http, int port, String expr) throws Exception {
    String body =
        http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + port
                                + "/api/v1/query?query="
                                + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(20))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    JsonObject o = JsonParser.parseString(body).getAsJsonObject();
    String status = o.get("status").getAsString();
    int n =
        "success".equals(status) ? o.getAsJsonObject("data").getAsJsonArray("result").size() : 0;
    return new Answer(status, n, body);
  }

  @Test
  void aRealPrometheusScrapingMaglevd_findsSeriesForEveryRuleAndDashboardExpression()
      throws Exception {
    assertThat(PROMETHEUS).as("prometheus (Debian's package, make install-deps)").isExecutable();
    Map<String, String> alerts = alertExpressions();
    List<String> panels = dashboardExpressions();
    assertThat(alerts).hasSize(ALERTS);
    assertThat(panels).hasSizeGreaterThan(10);
    try (NamedBackends backends = NamedBackends.start("a", "b");
        // in no frontend: probed over TLS for maglev_backend_tls_cert_expiry_timestamp_seconds
        TestServers.Http https =
            TestServers.https(Files.createDirectory(dir.resolve("tls")), 200, "ok")) {
      Path yaml = dir.resolve("maglev.yaml");
      Files.writeString(
          yaml,
          """
          maglev:
            vpp:
              lb:
                ipv4-src-address: 192.0.2.254
                ipv6-src-address: 2001:db8::254
                sync-interval: 1h
                startup-min-delay: 1s
                startup-max-delay: 3s
            healthchecks:
              http:
                type: http
                port: %d
                params: { path: /.well-known/ipng/healthz }
                interval: 200ms
                rise: 1
                fall: 1
              tls: { type: https, port: %d, interval: 200ms, rise: 1, fall: 1 }
            backends:
              a: { address: %s, healthcheck: http }
              b: { address: %s, healthcheck: http }
              tls: { address: 127.0.0.1, healthcheck: tls }
            frontends:
              web:
                address: %s
                protocol: tcp
                port: %d
                pools:
                  - name: main
                    backends: { a: {}, b: {} }
          """
              .formatted(
                  backends.port(),
                  https.port(),
                  backends.address(0).getHostAddress(),
                  backends.address(1).getHostAddress(),
                  backends.sibling(100).getHostAddress(),
                  backends.port()));
      Path simDir = Files.createDirectory(dir.resolve("vpp"));
      try (SimProcess sim = SimProcess.start(simDir);
          DaemonProcess maglevd =
              DaemonProcess.start(
                  dir,
                  List.of(),
                  "--config",
                  yaml.toString(),
                  "--vpp-api-addr=" + sim.api(),
                  "--vpp-stats-addr=" + sim.stats());
          PrometheusProcess prometheus =
              PrometheusProcess.start(
                  Files.createDirectory(dir.resolve("prometheus")), maglevd.metricsPort())) {
        HttpClient http = HttpClient.newHttpClient();
        // the alert rules load into the real Prometheus too
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(query(http, prometheus.port(), "up{job=\"maglevd\"} == 1").series())
                        .isEqualTo(1));
        Set<String> metrics = new LinkedHashSet<>();
        alerts
            .values()
            .forEach(e -> METRIC.matcher(e).results().forEach(m -> metrics.add(m.group())));
        panels.forEach(e -> METRIC.matcher(e).results().forEach(m -> metrics.add(m.group())));
        metrics.add("maglev_config_digest"); // the dashboard's maglevd variable
        // every selector selects series once maglevd has probed, synced and read VPP's tables
        for (String metric : metrics) {
          await()
              .atMost(Duration.ofSeconds(90))
              .untilAsserted(
                  () ->
                      assertThat(query(http, prometheus.port(), metric).series())
                          .as(metric)
                          .isPositive());
        }
        for (Map.Entry<String, String> a : alerts.entrySet()) {
          Answer r = query(http, prometheus.port(), a.getValue());
          assertThat(r.status()).as("%s: %s", a.getKey(), r.body()).isEqualTo("success");
        }
        for (String e : panels) {
          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(
                  () -> {
                    Answer r = query(http, prometheus.port(), e);
                    assertThat(r.status()).as("%s: %s", e, r.body()).isEqualTo("success");
                    assertThat(r.series()).as("%s: %s", e, r.body()).isPositive();
                  });
        }
        // the test certificate expires in two days: its alert is pending (for: 1h), not firing
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(
                            query(
                                    http,
                                    prometheus.port(),
                                    "ALERTS{alertname=\"MaglevBackendCertExpiring\",backend=\"tls\","
                                        + "alertstate=\"pending\"}")
                                .series())
                        .isEqualTo(1));
        // a healthy router raises no alert, and Prometheus loaded all the rules
        String rules =
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + prometheus.port() + "/api/v1/rules"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = Pattern.compile("\"type\":\"alerting\"").matcher(rules);
        int loaded = 0;
        while (m.find()) {
          loaded++;
        }
        assertThat(loaded).as(rules).isEqualTo(ALERTS);
        assertThat(query(http, prometheus.port(), "ALERTS{alertstate=\"firing\"}").series())
            .isZero();
      }
    }
  }
}
