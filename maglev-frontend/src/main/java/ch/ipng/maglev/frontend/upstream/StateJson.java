package ch.ipng.maglev.frontend.upstream;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.jspecify.annotations.Nullable;

/**
 * One maglevd's state for /view/api/state as JSON, rendered once per snapshot and connection state:
 * a crowd of pages reloading at once (after a network blip, say) costs one rendering.
 */
final class StateJson {
  private final String name;
  private final String address;

  /** What {@link #render} rendered last, and from what. */
  private record Rendered(
      @Nullable Snapshot snapshot, boolean connected, String lastError, String json) {}

  private volatile @Nullable Rendered rendered;

  StateJson(String name, String address) {
    this.name = name;
    this.address = address;
  }

  String render(@Nullable Snapshot s, boolean connected, String lastError) {
    Rendered r = rendered;
    if (r != null
        && r.snapshot() == s
        && r.connected() == connected
        && r.lastError().equals(lastError)) {
      return r.json();
    }
    String json = state(s, connected, lastError).toString();
    rendered = new Rendered(s, connected, lastError, json);
    return json;
  }

  /** The status of a maglevd, for /view/api/maglevds and at the head of its state. */
  static JsonObject status(String name, String address, boolean connected, String lastError) {
    JsonObject o = new JsonObject();
    o.addProperty("name", name);
    o.addProperty("address", address);
    o.addProperty("connected", connected);
    o.addProperty("last_error", lastError);
    return o;
  }

  /**
   * The status, then the snapshot {@code s}, which is marked stale while the maglevd is not
   * connected so the page never passes it off as current.
   */
  private JsonObject state(@Nullable Snapshot s, boolean connected, String lastError) {
    JsonObject o = status(name, address, connected, lastError);
    o.addProperty("stale", s == null || !connected);
    o.addProperty(
        "last_refresh_unix_ns",
        // a string, as protobuf JSON writes 64-bit integers: JavaScript numbers lose the digits
        String.valueOf(
            s == null ? 0 : s.at().getEpochSecond() * 1_000_000_000L + s.at().getNano()));
    String vppState = s == null ? "" : s.vppInfo() != null ? "connected" : "disconnected";
    o.addProperty("vpp_state", vppState);
    o.addProperty("vpp_error", s == null ? "" : s.vppError());
    o.add("frontends", s == null ? new JsonArray() : ProtoJson.list(s.frontends(), "frontends"));
    o.add("backends", s == null ? new JsonArray() : ProtoJson.list(s.backends(), "backends"));
    o.add(
        "healthchecks",
        s == null ? new JsonArray() : ProtoJson.list(s.healthchecks(), "healthchecks"));
    o.add(
        "vpp_info",
        s == null || s.vppInfo() == null
            ? JsonNull.INSTANCE
            : JsonParser.parseString(ProtoJson.print(s.vppInfo())));
    o.add(
        "lb_state",
        s == null || s.lbState() == null
            ? JsonNull.INSTANCE
            : JsonParser.parseString(ProtoJson.print(s.lbState())));
    o.add("checker_suspicion", s == null ? JsonNull.INSTANCE : suspicion(s));
    return o;
  }

  /** maglevd's suspicion of its own probes, or null when it has none (or predates it). */
  static JsonElement suspicion(Snapshot s) {
    return s.frontends().hasCheckerSuspicion()
        ? JsonParser.parseString(ProtoJson.print(s.frontends().getCheckerSuspicion()))
        : JsonNull.INSTANCE;
  }
}
