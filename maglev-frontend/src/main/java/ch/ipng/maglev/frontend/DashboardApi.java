package ch.ipng.maglev.frontend;

import ch.ipng.maglev.common.Version;
import ch.ipng.maglev.frontend.http.AdminAction;
import ch.ipng.maglev.frontend.http.AdminApi;
import ch.ipng.maglev.frontend.http.Api;
import ch.ipng.maglev.frontend.http.FlowQuery;
import ch.ipng.maglev.frontend.upstream.Maglevds;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The routes' view of the maglevds and of the frontend's own build, and the admin actions. */
public final class DashboardApi implements Api, AdminApi {
  private final Maglevds maglevds;
  private final String versionJson;

  private DashboardApi(Maglevds maglevds, String versionJson) {
    this.maglevds = maglevds;
    this.versionJson = versionJson;
  }

  public static DashboardApi of(Maglevds maglevds, Version version) {
    JsonObject v = new JsonObject();
    v.addProperty("version", version.version());
    v.addProperty("commit", version.commit());
    v.addProperty("date", version.date());
    return new DashboardApi(maglevds, v.toString());
  }

  @Override
  public String versionJson() {
    return versionJson;
  }

  @Override
  public String maglevdsJson() {
    return maglevds.statusJson();
  }

  @Override
  public String stateJson() {
    return maglevds.stateJson();
  }

  @Override
  public Optional<String> stateJson(String maglevd) {
    return maglevds.stateJson(maglevd);
  }

  @Override
  public List<String> names() {
    return maglevds.names();
  }

  @Override
  public CompletableFuture<Reply> lookupFlow(String maglevd, FlowQuery query) {
    return maglevds.clients().stream()
        .filter(c -> c.name().equals(maglevd))
        .findFirst()
        .map(c -> c.lookupFlow(query))
        .orElseGet(() -> unknown(maglevd));
  }

  /** 404 for a maglevd that is not followed, naming the ones that are. */
  private CompletableFuture<Reply> unknown(String maglevd) {
    JsonObject o = new JsonObject();
    o.addProperty("error", Api.unknownMaglevd(maglevd, maglevds.names()));
    return CompletableFuture.completedFuture(new Reply(404, o.toString()));
  }

  @Override
  public CompletableFuture<Reply> perform(AdminAction action, String user, String remote) {
    return maglevds.clients().stream()
        .filter(c -> c.name().equals(action.maglevd()))
        .findFirst()
        .map(c -> c.perform(action, user, remote))
        .orElseGet(() -> unknown(action.maglevd()));
  }
}
