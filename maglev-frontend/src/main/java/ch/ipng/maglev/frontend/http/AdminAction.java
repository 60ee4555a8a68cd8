package ch.ipng.maglev.frontend.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One admin request, parsed from its path and body:
 *
 * <pre>
 * POST /admin/api/{maglevd}/backends/{backend}/{pause|resume|enable|disable}
 * POST /admin/api/{maglevd}/frontends/{frontend}/pools/{pool}/backends/{backend}/weight
 *      {"weight": 0-100, "flush": true|false}
 * POST /admin/api/{maglevd}/frontends/{frontend}/pools/{pool}/backends/{backend}/weight-preview
 *      {"weight": 0-100}
 * POST /admin/api/{maglevd}/sync-vpp            optional {"frontend": "name"}
 * POST /admin/api/{maglevd}/reload-config
 * POST /admin/api/{maglevd}/release-checker
 * </pre>
 */
public sealed interface AdminAction {
  String maglevd();

  /** pause, resume, enable or disable one backend. */
  record Lifecycle(String maglevd, String backend, String verb) implements AdminAction {}

  record SetWeight(
      String maglevd, String frontend, String pool, String backend, int weight, boolean flush)
      implements AdminAction {}

  /** A sync of VPP's lb state: every VIP, or one frontend's when {@code frontend} is not empty. */
  record SyncVpp(String maglevd, String frontend) implements AdminAction {}

  record ReloadConfig(String maglevd) implements AdminAction {}

  /** Ends maglevd's self-suspicion: frozen weight decreases apply, with their reasons. */
  record ReleaseChecker(String maglevd) implements AdminAction {}

  /** What a weight change would do to VPP's buckets; changes nothing. */
  record WeightPreview(String maglevd, String frontend, String pool, String backend, int weight)
      implements AdminAction {}

  /** The action, or a message saying what was expected. */
  record Parsed(@Nullable AdminAction action, String error) {}

  List<String> VERBS = List.of("pause", "resume", "enable", "disable");

  /**
   * Parses the path below /admin/api/ (already split and decoded) and the body.
   *
   * @return the action, or an error naming the input and what was expected
   */
  static Parsed parse(List<String> path, String body) {
    if (path.size() == 4 && path.get(1).equals("backends") && VERBS.contains(path.get(3))) {
      return ok(new Lifecycle(path.get(0), path.get(2), path.get(3)));
    }
    if (path.size() == 8
        && path.get(1).equals("frontends")
        && path.get(3).equals("pools")
        && path.get(5).equals("backends")
        && (path.get(7).equals("weight") || path.get(7).equals("weight-preview"))) {
      Optional<JsonObject> o = object(body);
      JsonElement w = o.map(x -> x.get("weight")).orElse(null);
      JsonElement f = o.map(x -> x.get("flush")).orElse(null);
      if (w == null
          || !w.isJsonPrimitive()
          || !w.getAsJsonPrimitive().isNumber()
          || w.getAsDouble() != Math.rint(w.getAsDouble())
          || (f != null && !(f.isJsonPrimitive() && f.getAsJsonPrimitive().isBoolean()))) {
        return error(
            "body: " + shorten(body) + " (expected: {\"weight\": 0-100, \"flush\": true|false})");
      }
      double weight = w.getAsDouble();
      if (weight < 0 || weight > 100) {
        return error("weight: " + w + " (expected: 0-100)");
      }
      if (path.get(7).equals("weight-preview")) {
        return ok(
            new WeightPreview(path.get(0), path.get(2), path.get(4), path.get(6), (int) weight));
      }
      return ok(
          new SetWeight(
              path.get(0),
              path.get(2),
              path.get(4),
              path.get(6),
              (int) weight,
              f != null && f.getAsBoolean()));
    }
    if (path.size() == 2 && path.get(1).equals("sync-vpp")) {
      if (body.isBlank()) {
        return ok(new SyncVpp(path.get(0), ""));
      }
      Optional<JsonObject> o = object(body);
      JsonElement fe = o.map(x -> x.get("frontend")).orElse(null);
      if (o.isEmpty()
          || (fe != null && !(fe.isJsonPrimitive() && fe.getAsJsonPrimitive().isString()))) {
        return error(
            "body: " + shorten(body) + " (expected: nothing, or {\"frontend\": \"name\"})");
      }
      return ok(new SyncVpp(path.get(0), fe == null ? "" : fe.getAsString()));
    }
    if (path.size() == 2 && path.get(1).equals("reload-config")) {
      return ok(new ReloadConfig(path.get(0)));
    }
    if (path.size() == 2 && path.get(1).equals("release-checker")) {
      return ok(new ReleaseChecker(path.get(0)));
    }
    return error(
        "no admin action at /admin/api/"
            + String.join("/", path)
            + " (expected: {maglevd}/backends/{backend}/pause|resume|enable|disable,"
            + " {maglevd}/frontends/{frontend}/pools/{pool}/backends/{backend}/weight,"
            + " {maglevd}/sync-vpp, {maglevd}/reload-config or {maglevd}/release-checker)");
  }

  private static Optional<JsonObject> object(String body) {
    try {
      JsonElement e = JsonParser.parseString(body);
      return e.isJsonObject() ? Optional.of(e.getAsJsonObject()) : Optional.empty();
    } catch (JsonParseException e) {
      return Optional.empty();
    }
  }

  private static String shorten(String body) {
    String b = body.strip();
    return b.isEmpty() ? "(empty)" : b.length() > 80 ? b.substring(0, 80) + "…" : b;
  }

  private static Parsed ok(AdminAction a) {
    return new Parsed(a, "");
  }

  private static Parsed error(String message) {
    return new Parsed(null, message);
  }
}
