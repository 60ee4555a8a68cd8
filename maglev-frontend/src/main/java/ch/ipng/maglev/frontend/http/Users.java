package ch.ipng.maglev.frontend.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The dashboard's users, each with a {@link Role}: from a users file (one user a line, {@code NAME
 * ROLE HASH}, the hash as {@link PasswordHash} makes it; blank lines and {@code #} comments
 * ignored) and the one admin user of MAGLEV_FRONTEND_USER and MAGLEV_FRONTEND_PASSWORD.
 *
 * <p>Every password is checked with PBKDF2, which is slow on purpose: the env user's is hashed at
 * start with as many rounds as the file's costliest hash ({@link PasswordHash#ITERATIONS} without a
 * file). As a browser sends the credentials with every request, a pair that was right once is
 * remembered (by its SHA-256, in memory) and then costs a hash. Wrong credentials always cost a
 * full check, whether the user exists or not (a name that is no user's is checked against a decoy
 * of the costliest rounds in use), so the time taken does not tell which users exist. Thread-safe.
 */
public final class Users {
  /** Who logged in. */
  public record Identity(String user, Role role) {}

  /** The longest user name: the actor maglevd records takes 128 characters at most. */
  static final int MAX_NAME = 64;

  /** How many right pairs are remembered; the memory is cleared when it is full. */
  static final int MAX_REMEMBERED = 1_000;

  private record Entry(Role role, PasswordHash hash) {}

  private final Map<String, Entry> byName;
  // checked for a user who does not exist, as costly as the costliest real check
  private final PasswordHash decoy;
  // told the rounds of each PBKDF2 check (tests count them)
  private final IntConsumer onCheck;
  private final Map<String, Identity> remembered = new ConcurrentHashMap<>();

  private Users(Map<String, Entry> byName, IntConsumer onCheck) {
    this.byName = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    this.decoy = PasswordHash.decoy(highestIterations(byName));
    this.onCheck = onCheck;
  }

  /** The most rounds of any user's hash; {@link PasswordHash#ITERATIONS} when there are none. */
  private static int highestIterations(Map<String, Entry> byName) {
    return byName.values().stream()
        .mapToInt(e -> e.hash().iterations())
        .max()
        .orElse(PasswordHash.ITERATIONS);
  }

  /** These users, with {@code onCheck} told the rounds of each full password check. */
  Users observed(IntConsumer onCheck) {
    return new Users(byName, onCheck);
  }

  /** No users: /admin/ stays hidden. */
  public static Users none() {
    return new Users(Map.of(), rounds -> {});
  }

  /**
   * The users of {@code file} (flag names the flag or variable it came from, for messages), plus
   * the admin user {@code envUser} when both env values are set and not empty.
   *
   * @throws IllegalArgumentException naming the file, the line and what was expected, or a user
   *     given twice
   */
  public static Users of(
      String flag, @Nullable Path file, @Nullable String envUser, @Nullable String envPassword) {
    Map<String, Entry> users = new LinkedHashMap<>();
    if (file != null) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException | java.io.UncheckedIOException e) {
        throw new IllegalArgumentException(
            flag + ": cannot read " + file + ": " + e + " (expected: a readable users file)", e);
      }
      users.putAll(parse(flag + " " + file, text));
    }
    if (envUser != null && !envUser.isEmpty() && envPassword != null && !envPassword.isEmpty()) {
      checkEnvName(envUser);
      if (users.containsKey(envUser)) {
        throw new IllegalArgumentException(
            "MAGLEV_FRONTEND_USER: \""
                + envUser
                + "\" is also in "
                + flag
                + " (expected: each user once)");
      }
      // hashed like a file user's password, with as many rounds as the file's costliest, so that
      // neither its check's cost nor its time tells this user from the others
      int rounds = highestIterations(users);
      users.put(
          envUser,
          new Entry(Role.ADMIN, PasswordHash.parse(PasswordHash.make(envPassword, rounds))));
    }
    return new Users(users, rounds -> {});
  }

  /** The users of a users file's text; {@code source} names it in messages. */
  static Map<String, Entry> parse(String source, String text) {
    Map<String, Entry> users = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = source + ":" + (i + 1) + ": ";
      String[] f = line.split("\\s+");
      if (f.length != 3) {
        throw new IllegalArgumentException(
            where
                + f.length
                + " fields (expected: NAME ROLE HASH, e.g. alice operator pbkdf2-sha256$…)");
      }
      try {
        checkName("user", f[0]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + e.getMessage(), e);
      }
      Optional<Role> role = Role.parse(f[1]);
      if (role.isEmpty()) {
        throw new IllegalArgumentException(
            where + "role \"" + Router.echo(f[1]) + "\" (expected: viewer, operator or admin)");
      }
      PasswordHash hash;
      try {
        hash = PasswordHash.parse(f[2]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + "user " + f[0] + ": " + e.getMessage(), e);
      }
      if (users.containsKey(f[0])) {
        throw new IllegalArgumentException(
            where + "user " + f[0] + " is listed twice (expected: each user once)");
      }
      users.put(f[0], new Entry(role.get(), hash));
    }
    return users;
  }

  /** A user name: printable ASCII without ':' (basic auth ends the name there), 1-64 long. */
  private static void checkName(String what, String name) {
    boolean ok =
        !name.isEmpty()
            && name.length() <= MAX_NAME
            && name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':');
    if (!ok) {
      throw new IllegalArgumentException(
          what
              + " \""
              + AdminGate.loggable(name)
              + "\" (expected: 1 to "
              + MAX_NAME
              + " printable ASCII characters, no spaces or ':')");
    }
  }

  /**
   * The name of MAGLEV_FRONTEND_USER: any printable characters but ':' (basic auth ends the name
   * there), of any length, as before there was a users file (a name that is not 1-128 printable
   * ASCII characters is not passed on to maglevd as the acting user).
   */
  private static void checkEnvName(String name) {
    boolean ok = name.codePoints().noneMatch(c -> Character.isISOControl(c) || c == ':');
    if (!ok) {
      throw new IllegalArgumentException(
          "MAGLEV_FRONTEND_USER \""
              + AdminGate.loggable(name)
              + "\" (expected: printable characters without ':', which basic auth cannot send"
              + " in a user name)");
    }
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }

  /** The names and roles, for the start-up log: {@code alice=operator,…}. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    byName.forEach((n, e) -> out.add(n + "=" + e.role().label()));
    return out;
  }

  /** Who {@code user} with {@code password} is, when the pair was right before; fast. */
  Optional<Identity> remembered(String user, String password) {
    return Optional.ofNullable(remembered.get(key(user, password)));
  }

  private static String key(String user, String password) {
    return java.util.HexFormat.of().formatHex(PasswordHash.sha256(user + ":" + password));
  }

  /** Who {@code user} with {@code password} is, or empty when the pair is wrong; may be slow. */
  public Optional<Identity> check(String user, String password) {
    String key = key(user, password);
    Identity known = remembered.get(key);
    if (known != null) {
      return Optional.of(known);
    }
    Entry e = byName.get(user);
    if (e == null) {
      onCheck.accept(decoy.iterations());
      boolean unused = decoy.matches(password);
      return Optional.empty();
    }
    onCheck.accept(e.hash().iterations());
    if (!e.hash().matches(password)) {
      return Optional.empty();
    }
    Identity id = new Identity(user, e.role());
    if (remembered.size() >= MAX_REMEMBERED) {
      remembered.clear();
    }
    remembered.put(key, id);
    return Optional.of(id);
  }
}
