package ch.ipng.maglev.frontend.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which role each admin action needs: the same as maglevd asks of a client for the RPC the action
 * makes (its MethodRoles; a test holds the two together). The frontend refuses an action above the
 * user's role itself, so a viewer user's click never reaches maglevd.
 */
public final class ActionRoles {
  /** By the action's kind, as {@link #kind} names it and the page asks by it. */
  static final Map<String, Role> REQUIRED = required();

  private ActionRoles() {}

  /** Every kind of action and the role it needs, in a fixed order. */
  public static Map<String, Role> table() {
    return REQUIRED;
  }

  private static Map<String, Role> required() {
    Map<String, Role> m = new LinkedHashMap<>();
    m.put("pause", Role.OPERATOR);
    m.put("resume", Role.OPERATOR);
    m.put("enable", Role.OPERATOR);
    m.put("disable", Role.OPERATOR);
    m.put("weight", Role.OPERATOR);
    m.put("weight-preview", Role.VIEWER);
    m.put("sync-vpp", Role.OPERATOR);
    m.put("release-checker", Role.OPERATOR);
    m.put("reload-config", Role.ADMIN);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The action's kind: its verb, or the last part of its path. */
  public static String kind(AdminAction action) {
    return switch (action) {
      case AdminAction.Lifecycle l -> l.verb();
      case AdminAction.SetWeight w -> "weight";
      case AdminAction.WeightPreview p -> "weight-preview";
      case AdminAction.SyncVpp v -> "sync-vpp";
      case AdminAction.ReloadConfig r -> "reload-config";
      case AdminAction.ReleaseChecker c -> "release-checker";
    };
  }

  /** The role {@code action} needs. */
  public static Role required(AdminAction action) {
    Role r = REQUIRED.get(kind(action));
    if (r == null) {
      throw new IllegalStateException("no role for the action kind " + kind(action));
    }
    return r;
  }

  /**
   * Why {@code who} may not do {@code action}, as the 403's JSON (naming the role it needs), or
   * null when it may.
   */
  static @org.jspecify.annotations.Nullable String refusal(Users.Identity who, AdminAction action) {
    Role needed = required(action);
    if (who.role().atLeast(needed)) {
      return null;
    }
    JsonObject o = new JsonObject();
    o.addProperty(
        "error",
        kind(action)
            + " needs the role "
            + needed.label()
            + "; user "
            + who.user()
            + " is "
            + who.role().label());
    o.addProperty("needed_role", needed.label());
    o.addProperty("role", who.role().label());
    return o.toString();
  }

  /**
   * GET /admin/api/whoami: {@code {"user": "alice", "role": "operator", "allowed": ["pause", …]}},
   * the kinds of action the user may take, for the page to show only those.
   */
  static String whoamiJson(Users.Identity who) {
    JsonObject o = new JsonObject();
    o.addProperty("user", who.user());
    o.addProperty("role", who.role().label());
    JsonArray allowed = new JsonArray();
    REQUIRED.forEach(
        (kind, role) -> {
          if (who.role().atLeast(role)) {
            allowed.add(kind);
          }
        });
    o.add("allowed", allowed);
    return o.toString();
  }
}
