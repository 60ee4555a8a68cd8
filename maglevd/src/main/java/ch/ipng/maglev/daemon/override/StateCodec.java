package ch.ipng.maglev.daemon.override;

import ch.ipng.maglev.daemon.model.WeightKey;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The state file's JSON, version {@value #VERSION}:
 *
 * <pre>{@code
 * {"version": 1, "written": "2026-12-06T16:30:00Z", "overrides": [
 *   {"kind": "pause", "backend": "nginx0", "actor": "peer 192.0.2.1:40312",
 *    "reason": "kernel upgrade", "since": "2026-12-06T16:29:58Z", "until": "2026-12-06T18:29:58Z"},
 *   {"kind": "weight", "backend": "nginx0", "frontend": "web", "pool": "primary", "weight": 20,
 *    "actor": "...", "reason": "", "since": "...", "until": null}]}
 * }</pre>
 *
 * Decoding is strict: anything but a well-formed file of a known version is refused with a message
 * naming the field and what was expected. Unknown keys are ignored (a later version may add some
 * without raising the version).
 */
final class StateCodec {
  /** The version this maglevd writes and the newest it reads. */
  static final int VERSION = 1;

  private StateCodec() {}

  /** The file could not be decoded; the message names where and why. */
  static class FormatException extends Exception {
    private static final long serialVersionUID = 1L;

    FormatException(String message) {
      super(message);
    }
  }

  /** The file is from a newer maglevd. */
  static final class NewerVersionException extends FormatException {
    private static final long serialVersionUID = 1L;

    NewerVersionException(long version) {
      super(
          "version: " + version + " (expected: at most " + VERSION + ", a newer maglevd wrote it)");
    }
  }

  static String encode(List<OperatorOverride> overrides, Instant written) {
    JsonObject root = new JsonObject();
    root.addProperty("version", VERSION);
    root.addProperty("written", written.toString());
    JsonArray list = new JsonArray();
    for (OperatorOverride o : overrides) {
      JsonObject e = new JsonObject();
      e.addProperty("kind", o.kind().label());
      e.addProperty("backend", o.backend());
      if (o.kind() == OperatorOverride.Kind.WEIGHT) {
        e.addProperty("frontend", o.key().frontend());
        e.addProperty("pool", o.key().pool());
        e.addProperty("weight", o.weight());
      }
      e.addProperty("actor", o.actor());
      e.addProperty("reason", o.reason());
      e.addProperty("since", o.since().toString());
      Instant until = o.until();
      e.add("until", until == null ? JsonNull.INSTANCE : new JsonPrimitive(until.toString()));
      list.add(e);
    }
    root.add("overrides", list);
    return new com.google.gson.GsonBuilder()
            .setPrettyPrinting()
            .serializeNulls()
            .create()
            .toJson(root)
        + "\n";
  }

  static List<OperatorOverride> decode(String text) throws FormatException {
    JsonElement parsed;
    try {
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(Strictness.STRICT);
      parsed = JsonParser.parseReader(reader);
      if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
        throw new FormatException("trailing data after the JSON object");
      }
    } catch (JsonParseException | java.io.IOException | IllegalStateException e) {
      throw new FormatException("not JSON: " + message(e));
    }
    if (!parsed.isJsonObject()) {
      throw new FormatException("top level: " + kindOf(parsed) + " (expected: an object)");
    }
    JsonObject root = parsed.getAsJsonObject();
    long version = integer(root, "version", "version");
    if (version > VERSION) {
      throw new NewerVersionException(version);
    }
    if (version < 1) {
      throw new FormatException("version: " + version + " (expected: 1-" + VERSION + ")");
    }
    JsonElement list = root.get("overrides");
    if (list == null || !list.isJsonArray()) {
      throw new FormatException(
          "overrides: " + (list == null ? "missing" : kindOf(list)) + " (expected: an array)");
    }
    List<OperatorOverride> out = new ArrayList<>();
    JsonArray a = list.getAsJsonArray();
    for (int i = 0; i < a.size(); i++) {
      String at = "overrides[" + i + "]";
      JsonElement e = a.get(i);
      if (!e.isJsonObject()) {
        throw new FormatException(at + ": " + kindOf(e) + " (expected: an object)");
      }
      out.add(entry(e.getAsJsonObject(), at));
    }
    return out;
  }

  private static OperatorOverride entry(JsonObject e, String at) throws FormatException {
    String kindText = string(e, "kind", at);
    OperatorOverride.Kind kind =
        OperatorOverride.Kind.of(kindText)
            .orElseThrow(
                () ->
                    new FormatException(
                        at
                            + ".kind: \""
                            + kindText
                            + "\" (expected: pause, disable, enable or weight)"));
    String backend = nonEmpty(e, "backend", at);
    String actor = string(e, "actor", at);
    String reason = string(e, "reason", at);
    Instant since = time(e, "since", at);
    Instant until = e.has("until") && !e.get("until").isJsonNull() ? time(e, "until", at) : null;
    try {
      if (kind == OperatorOverride.Kind.WEIGHT) {
        long w = integer(e, "weight", at + ".weight");
        if (w < 0 || w > 100) {
          throw new FormatException(at + ".weight: " + w + " (expected: 0-100)");
        }
        WeightKey k = new WeightKey(nonEmpty(e, "frontend", at), nonEmpty(e, "pool", at), backend);
        return OperatorOverride.weight(k, (int) w, actor, reason, since, until);
      }
      return OperatorOverride.lifecycle(backend, kind, actor, reason, since, until);
    } catch (IllegalArgumentException ex) {
      throw new FormatException(at + ": " + ex.getMessage());
    }
  }

  private static String string(JsonObject o, String key, String at) throws FormatException {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new FormatException(
          at + "." + key + ": " + (e == null ? "missing" : kindOf(e)) + " (expected: a string)");
    }
    return e.getAsString();
  }

  private static String nonEmpty(JsonObject o, String key, String at) throws FormatException {
    String s = string(o, key, at);
    if (s.isEmpty()) {
      throw new FormatException(at + "." + key + ": empty (expected: a name)");
    }
    return s;
  }

  private static Instant time(JsonObject o, String key, String at) throws FormatException {
    String s = string(o, key, at);
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException ex) {
      throw new FormatException(
          at + "." + key + ": \"" + s + "\" (expected: an RFC 3339 UTC time)");
    }
  }

  private static long integer(JsonObject o, String key, String path) throws FormatException {
    JsonElement e = o.get(key);
    if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      String s = e.getAsString();
      if (s.matches("-?\\d{1,18}")) {
        return Long.parseLong(s);
      }
      throw new FormatException(path + ": " + s + " (expected: an integer)");
    }
    throw new FormatException(
        path + ": " + (e == null ? "missing" : kindOf(e)) + " (expected: an integer)");
  }

  private static String kindOf(@Nullable JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return "null";
    }
    if (e.isJsonObject()) {
      return "an object";
    }
    if (e.isJsonArray()) {
      return "an array";
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    return p.isString() ? "a string" : p.isNumber() ? "a number" : "a boolean";
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    if (m == null && e.getCause() != null) {
      m = e.getCause().getMessage();
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
