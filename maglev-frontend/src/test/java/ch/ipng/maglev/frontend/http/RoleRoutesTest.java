package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.frontend.sse.SseBroker;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dashboard users of each role over real sockets: the server refuses an action above the user's
 * role with 403 naming the role it needs, before anything reaches maglevd, and tells the page who
 * is logged in and what that user may do.
 */
class RoleRoutesTest {
  @TempDir Path dir;
  final List<String> performed = new CopyOnWriteArrayList<>();
  FrontendServer server;

  @BeforeEach
  void start() throws Exception {
    Path users = dir.resolve("users");
    Files.writeString(
        users,
        "vera viewer %s\nolga operator %s\nada admin %s\n"
            .formatted(UsersTest.hash("v"), UsersTest.hash("o"), UsersTest.hash("a")));
    AdminApi admin =
        (action, user, remote) -> {
          performed.add(user + " " + ActionRoles.kind(action));
          return CompletableFuture.completedFuture(new AdminApi.Reply(200, "{}"));
        };
    server =
        FrontendServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            FrontendServerTest.API,
            SseBroker.create(Clock.systemUTC()),
            AdminGate.of(Users.of("--users", users, "root", "r"), Clock.systemUTC()),
            admin);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  HttpResponse<String> send(String method, String path, String user, String password)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.address().getPort() + path))
                .method(method, HttpRequest.BodyPublishers.ofString(""))
                .header("Authorization", AdminRoutesTest.basic(user, password))
                .header(AdminGate.HEADER, "1")
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static JsonObject json(HttpResponse<String> r) {
    return JsonParser.parseString(r.body()).getAsJsonObject();
  }

  static final Map<String, String> ACTIONS =
      Map.of(
          "pause", "lb0/backends/web1/pause",
          "resume", "lb0/backends/web1/resume",
          "enable", "lb0/backends/web1/enable",
          "disable", "lb0/backends/web1/disable",
          "weight", "lb0/frontends/site/pools/primary/backends/web1/weight",
          "weight-preview", "lb0/frontends/site/pools/primary/backends/web1/weight-preview",
          "sync-vpp", "lb0/sync-vpp",
          "release-checker", "lb0/release-checker",
          "reload-config", "lb0/reload-config");

  @Test
  void everyActionOfEveryRole_isAllowedExactlyWhenTheRoleReachesIt() throws Exception {
    assertThat(ACTIONS.keySet()).isEqualTo(ActionRoles.table().keySet());
    Map<String, String> passwords = Map.of("vera", "v", "olga", "o", "ada", "a", "root", "r");
    Map<String, Role> roles =
        Map.of("vera", Role.VIEWER, "olga", Role.OPERATOR, "ada", Role.ADMIN, "root", Role.ADMIN);
    for (String user : passwords.keySet()) {
      for (var a : ACTIONS.entrySet()) {
        performed.clear();
        String body = a.getKey().startsWith("weight") ? "{\"weight\": 5}" : "";
        HttpResponse<String> r =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:"
                                    + server.address().getPort()
                                    + "/admin/api/"
                                    + a.getValue()))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Authorization", AdminRoutesTest.basic(user, passwords.get(user)))
                        .header(AdminGate.HEADER, "1")
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        Role needed = ActionRoles.table().get(a.getKey());
        if (roles.get(user).atLeast(needed)) {
          assertThat(r.statusCode()).as(user + " " + a.getKey()).isEqualTo(200);
          assertThat(performed).containsExactly(user + " " + a.getKey());
        } else {
          assertThat(r.statusCode()).as(user + " " + a.getKey()).isEqualTo(403);
          assertThat(json(r).get("error").getAsString())
              .isEqualTo(
                  a.getKey()
                      + " needs the role "
                      + needed.label()
                      + "; user "
                      + user
                      + " is "
                      + roles.get(user).label());
          assertThat(json(r).get("needed_role").getAsString()).isEqualTo(needed.label());
          assertThat(r.headers().firstValue("cache-control")).hasValue(StaticFiles.NO_STORE);
          assertThat(performed).as("refused before it is carried out").isEmpty();
        }
      }
    }
  }

  @Test
  void theTable_isWhatTheIssueAsks() {
    assertThat(ActionRoles.table())
        .containsEntry("pause", Role.OPERATOR)
        .containsEntry("weight", Role.OPERATOR)
        .containsEntry("sync-vpp", Role.OPERATOR)
        .containsEntry("reload-config", Role.ADMIN)
        .containsEntry("weight-preview", Role.VIEWER);
  }

  @Test
  void whoami_saysTheUserTheRoleAndWhatItMayDo() throws Exception {
    HttpResponse<String> v = send("GET", "/admin/api/whoami", "vera", "v");
    assertThat(v.statusCode()).isEqualTo(200);
    assertThat(v.headers().firstValue("cache-control")).hasValue(StaticFiles.NO_STORE);
    assertThat(v.body())
        .isEqualTo("{\"user\":\"vera\",\"role\":\"viewer\",\"allowed\":[\"weight-preview\"]}");
    assertThat(json(send("GET", "/admin/api/whoami", "olga", "o")).get("allowed").toString())
        .isEqualTo(
            "[\"pause\",\"resume\",\"enable\",\"disable\",\"weight\",\"weight-preview\","
                + "\"sync-vpp\",\"release-checker\"]");
    JsonObject ada = json(send("GET", "/admin/api/whoami", "ada", "a"));
    assertThat(ada.get("role").getAsString()).isEqualTo("admin");
    assertThat(ada.getAsJsonArray("allowed")).hasSize(9);
    assertThat(send("GET", "/admin/api/whoami", "vera", "o").statusCode()).isEqualTo(401);
    assertThat(send("POST", "/admin/api/whoami", "vera", "v").statusCode()).isEqualTo(405);
    assertThat(performed).isEmpty();
  }

  @Test
  void aViewer_stillSeesTheAdminPage() throws Exception {
    assertThat(send("GET", "/admin/", "vera", "v").statusCode()).isEqualTo(200);
  }
}
