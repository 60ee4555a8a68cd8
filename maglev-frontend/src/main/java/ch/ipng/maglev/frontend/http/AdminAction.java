package ch.ipng.maglev.frontend.http;

import ch.ipng.maglev.common.GoDuration;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One admin request, parsed from its path and body:
 *
 * <pre>
 * POST /admin/api/{maglevd}/backends/{backend}/{pause|resume|enable|disable}
 *      optional {"reason": "one line", "ttl": "2h"} (no ttl on a resume)
 * POST /admin/api/{maglevd}/frontends/{frontend}/pools/{pool}/backends/{backend}/weight
 *      {"weight": 0-100, "flush": true|false, "reason": "one line", "ttl": "30m"}
 * POST /admin/api/{maglevd}/frontends/{frontend}/pools/{pool}/backends/{backend}/weight-preview
 *      {"weight": 0-100}
 * POST /admin/api/{maglevd}/sync-vpp            optional {"frontend": "name"}
 * POST /admin/api/{maglevd}/reload-config
 * POST /admin/api/{maglevd}/release-checker
 * </pre>
 */
public sealed interface AdminAction {
  String maglevd();

  /**
   * pause, resume, enable or disable one backend, with why (may be empty) and for how long ({@link
   * Duration#ZERO}: until changed).
   */
  record Lifecycle(String maglevd, String backend, String verb, String reason, Duration ttl)
      implements AdminAction {}

  /**
   * A pool weight, with why (may be empty) and for how long ({@link Duration#ZERO}: until changed).
   */
  record SetWeight(
      String maglevd,
      String frontend,
      String pool,
      String backend,
      int weight,
      boolean flush,
      String reason,
      Duration ttl)
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

  /** The longest reason maglevd keeps with an override. */
  int MAX_REASON = 512;

  /** The longest ttl maglevd accepts. */
  Duration MAX_TTL = Duration.ofDays(366);

  /**
   * Parses the path below /admin/api/ (already split and decoded) and the body.
   *
   * @return the action, or an error naming the input and what was expected
   */
  static Parsed parse(List<String> path, String body) {
    if (path.size() == 4 && path.get(1).equals("backends") && VERBS.contains(path.get(3))) {
      String verb = path.get(3);
      if (body.isBlank()) {
        return ok(new Lifecycle(path.get(0), path.get(2), verb, "", Duration.ZERO));
      }
      Optional<JsonObject> o = object(body);
      String expected =
          verb.equals("resume")
              ? " (expected: nothing, or {\"reason\": \"text\"})"
              : " (expected: nothing, or {\"reason\": \"text\", \"ttl\": \"2h\"})";
      if (o.isEmpty()) {
        return error("body: " + shorten(body) + expected);
      }
      String unknown = unknownKey(o.get(), List.of("reason", "ttl"));
      if (!unknown.isEmpty()) {
        return error("body: unknown field \"" + shorten(unknown) + "\"" + expected);
      }
      Parsed bad = checkOverride(o.get());
      if (bad != null) {
        return bad;
      }
      Duration ttl = ttl(o.get());
      if (verb.equals("resume") && !ttl.isZero()) {
        return error("ttl: a resume takes none (it ends the pause; expected: no ttl)");
      }
      return ok(new Lifecycle(path.get(0), path.get(2), verb, reason(o.get()), ttl));
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
      String unknown = unknownKey(o.get(), List.of("weight", "flush", "reason", "ttl"));
      if (!unknown.isEmpty()) {
        return error(
            "body: unknown field \""
                + shorten(unknown)
                + "\" (expected: {\"weight\": 0-100, \"flush\": true|false, \"reason\": \"text\","
                + " \"ttl\": \"30m\"})");
      }
      Parsed bad = checkOverride(o.get());
      if (bad != null) {
        return bad;
      }
      return ok(
          new SetWeight(
              path.get(0),
              path.get(2),
              path.get(4),
              path.get(6),
              (int) weight,
              f != null && f.getAsBoolean(),
              reason(o.get()),
              ttl(o.get())));
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

  /** The first key of {@code o} not in {@code known}, or "" when there is none. */
  private static String unknownKey(JsonObject o, List<String> known) {
    return o.keySet().stream().filter(k -> !known.contains(k)).findFirst().orElse("");
  }

  /** An error for a bad "reason" or "ttl" of {@code o}, or null when both are fine or absent. */
  private static @Nullable Parsed checkOverride(JsonObject o) {
    JsonElement r = o.get("reason");
    if (r != null && !r.isJsonNull()) {
      if (!r.isJsonPrimitive() || !r.getAsJsonPrimitive().isString()) {
        return error(
            "reason: " + shorten(r.toString()) + " (expected: a string, one line of text)");
      }
      String reason = r.getAsString().strip();
      if (reason.length() > MAX_REASON) {
        return error(
            "reason: " + reason.length() + " characters (expected: at most " + MAX_REASON + ")");
      }
      if (reason.chars().anyMatch(Character::isISOControl)) {
        return error(
            "reason: contains a line break or control character (expected: one line of text)");
      }
    }
    JsonElement t = o.get("ttl");
    if (t != null && !t.isJsonNull()) {
      String expected = " (expected: a positive Go duration such as \"30m\" or \"2h\")";
      if (!t.isJsonPrimitive() || !t.getAsJsonPrimitive().isString()) {
        return error("ttl: " + shorten(t.toString()) + expected);
      }
      if (t.getAsString().isBlank()) {
        return null;
      }
      Duration ttl;
      try {
        ttl = GoDuration.parse(t.getAsString());
      } catch (IllegalArgumentException e) {
        return error("ttl: " + shorten(t.toString()) + expected);
      }
      if (ttl.isNegative() || ttl.isZero()) {
        return error("ttl: " + shorten(t.toString()) + expected);
      }
      if (ttl.compareTo(MAX_TTL) > 0) {
        return error("ttl: " + shorten(t.toString()) + " (expected: at most 366 days, 8784h)");
      }
    }
    return null;
  }

  /** The checked reason of {@code o}, "" when absent. */
  private static String reason(JsonObject o) {
    JsonElement r = o.get("reason");
    return r == null || r.isJsonNull() ? "" : r.getAsString().strip();
  }

  /** The checked ttl of {@code o}, zero when absent. */
  private static Duration ttl(JsonObject o) {
    JsonElement t = o.get("ttl");
    return t == null || t.isJsonNull() || t.getAsString().isBlank()
        ? Duration.ZERO
        : GoDuration.parse(t.getAsString());
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
