package ch.ipng.maglev.frontend;

import ch.ipng.maglev.common.Version;
import ch.ipng.maglev.frontend.http.Api;
import ch.ipng.maglev.frontend.upstream.Maglevds;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Optional;

/** The routes' view of the maglevds and of the frontend's own build. */
public final class DashboardApi implements Api {
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
}
