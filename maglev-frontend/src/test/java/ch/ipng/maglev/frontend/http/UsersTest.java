package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The users file, the stored hashes, and who a pair of credentials is. */
class UsersTest {
  @TempDir Path dir;

  // few rounds: the tests stay fast; the format is the same
  static String hash(String password) {
    return PasswordHash.make(password, PasswordHash.MIN_ITERATIONS);
  }

  Path file(String text) throws Exception {
    Path f = dir.resolve("users");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void aHash_matchesItsPasswordOnly_andEachHashHasItsOwnSalt() {
    String h = hash("s3cret");
    assertThat(h).startsWith("pbkdf2-sha256$1000$").doesNotContain("s3cret");
    assertThat(PasswordHash.parse(h).matches("s3cret")).isTrue();
    assertThat(PasswordHash.parse(h).matches("s3cre")).isFalse();
    assertThat(PasswordHash.parse(h).matches("")).isFalse();
    assertThat(hash("s3cret")).isNotEqualTo(h);
    assertThat(PasswordHash.make("x")).startsWith("pbkdf2-sha256$600000$");
    assertThatThrownBy(() -> PasswordHash.make("", 1000)).hasMessageContaining("empty");
  }

  @Test
  void badHashes_areRefusedSayingWhatWasExpected() {
    String good = hash("x");
    String[] parts = good.split("\\$");
    assertThatThrownBy(() -> PasswordHash.parse("s3cret"))
        .hasMessageContaining("not a password hash")
        .hasMessageContaining("pbkdf2-sha256$ITERATIONS$SALT$HASH");
    assertThatThrownBy(() -> PasswordHash.parse(good.replace("pbkdf2-sha256", "md5")))
        .hasMessageContaining("not a password hash");
    assertThatThrownBy(() -> PasswordHash.parse(good.replace("$1000$", "$ten$")))
        .hasMessageContaining("iterations \"ten\" is not a number");
    assertThatThrownBy(() -> PasswordHash.parse(good.replace("$1000$", "$10$")))
        .hasMessageContaining("iterations 10 (expected: from 1000 to 10000000)");
    assertThatThrownBy(() -> PasswordHash.parse(parts[0] + "$1000$!!$" + parts[3]))
        .hasMessageContaining("not base64");
    assertThatThrownBy(() -> PasswordHash.parse(parts[0] + "$1000$" + parts[2] + "$AAAA"))
        .hasMessageContaining("hash of 3");
  }

  @Test
  void theFile_givesEachUserItsRole_andTheEnvPairIsAnAdmin() throws Exception {
    Path f =
        file(
            "# dashboard users\n\n"
                + "vera viewer "
                + hash("v-pass")
                + "\n  olga\tOperator   "
                + hash("o-pass")
                + "  \n"
                + "ada admin "
                + hash("a-pass")
                + "\n");
    Users u = Users.of("--users", f, "root", "r-pass");
    assertThat(u.describe())
        .containsExactly("vera=viewer", "olga=operator", "ada=admin", "root=admin");
    assertThat(u.check("vera", "v-pass")).hasValue(new Users.Identity("vera", Role.VIEWER));
    assertThat(u.check("olga", "o-pass")).hasValue(new Users.Identity("olga", Role.OPERATOR));
    assertThat(u.check("ada", "a-pass")).hasValue(new Users.Identity("ada", Role.ADMIN));
    assertThat(u.check("root", "r-pass")).hasValue(new Users.Identity("root", Role.ADMIN));
    // remembered after the first check: the same answer again
    assertThat(u.check("olga", "o-pass")).hasValue(new Users.Identity("olga", Role.OPERATOR));
    assertThat(u.check("olga", "v-pass")).isEmpty();
    assertThat(u.check("vera", "o-pass")).isEmpty();
    assertThat(u.check("nobody", "v-pass")).isEmpty();
    assertThat(u.check("root", "")).isEmpty();
    assertThat(u.check("", "")).isEmpty();
  }

  @Test
  void withoutFileOrPair_thereAreNoUsers() {
    assertThat(Users.of("--users", null, null, null).isEmpty()).isTrue();
    assertThat(Users.of("--users", null, "root", "").isEmpty()).isTrue();
    assertThat(Users.of("--users", null, "root", "x").describe()).containsExactly("root=admin");
  }

  @Test
  void badLines_nameTheFileTheLineAndWhatWasExpected() throws Exception {
    String h = hash("x");
    String[][] cases = {
      {"alice operator", ":1: 2 fields (expected: NAME ROLE HASH"},
      {"\nalice root " + h, ":2: role \"root\" (expected: viewer, operator or admin)"},
      {"alice operator s3cret", ":1: user alice: not a password hash"},
      {"al:ice operator " + h, ":1: user \"al:ice\" (expected: 1 to 64 printable ASCII"},
      {"a viewer " + h + "\na admin " + h, ":2: user a is listed twice"},
      {"é viewer " + h, ":1: user \"é\""},
    };
    for (String[] c : cases) {
      Path f = file(c[0]);
      assertThatThrownBy(() -> Users.of("--users", f, null, null))
          .as(c[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("--users " + f + ":")
          .hasMessageContaining(c[1]);
    }
    assertThatThrownBy(() -> Users.of("--users", dir.resolve("missing"), null, null))
        .hasMessageContaining("--users: cannot read " + dir.resolve("missing"));
    Path f = file("root viewer " + h);
    assertThatThrownBy(() -> Users.of("--users", f, "root", "x"))
        .hasMessageContaining("MAGLEV_FRONTEND_USER: \"root\" is also in --users");
  }

  @Test
  void theEnvUsersPassword_isCheckedWithPbkdf2LikeTheFileUsers_andUnknownNamesCostTheMost()
      throws Exception {
    Path f =
        file(
            "vera viewer "
                + PasswordHash.make("v", 1_000)
                + "\nolga operator "
                + PasswordHash.make("o", 2_000)
                + "\n");
    List<Integer> rounds = new ArrayList<>();
    Users u = Users.of("--users", f, "root", "r-pass").observed(rounds::add);
    assertThat(u.check("root", "wrong")).isEmpty();
    assertThat(u.check("vera", "wrong")).isEmpty();
    assertThat(u.check("nobody", "wrong")).isEmpty();
    // root's hash has the rounds of the file's costliest; a name that is no user's costs as much
    assertThat(rounds).containsExactly(2_000, 1_000, 2_000);
    rounds.clear();
    assertThat(u.check("root", "r-pass")).hasValue(new Users.Identity("root", Role.ADMIN));
    assertThat(u.check("root", "r-pass")).hasValue(new Users.Identity("root", Role.ADMIN));
    assertThat(u.remembered("root", "r-pass")).isPresent();
    assertThat(rounds).containsExactly(2_000); // once: then remembered
  }

  @Test
  void withoutAFile_theEnvUsersPasswordIsHashedWithTheFullRounds() {
    List<Integer> rounds = new ArrayList<>();
    Users u = Users.of("--users", null, "root", "r-pass").observed(rounds::add);
    // an empty password derives nothing, but takes the path of a check of root's hash
    assertThat(u.check("root", "")).isEmpty();
    assertThat(u.check("nobody", "")).isEmpty();
    assertThat(rounds).containsExactly(PasswordHash.ITERATIONS, PasswordHash.ITERATIONS);
  }

  @Test
  void theEnvUsersName_mayBeAnyPrintableNameWithoutAColon_asBeforeTheUsersFile() {
    for (String name : new String[] {"Jane Doe", "Zoë", "n".repeat(100), "root@example.org"}) {
      Path none = null;
      Users u = Users.of("--users", none, name, "pw");
      assertThat(u.describe()).as(name).containsExactly(name + "=admin");
      List<Integer> rounds = new ArrayList<>();
      assertThat(u.observed(rounds::add).check(name, "")).isEmpty();
    }
    for (String name : new String[] {"a:b", "tab\there", "line\n"}) {
      assertThatThrownBy(() -> Users.of("--users", null, name, "pw"))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("MAGLEV_FRONTEND_USER \"")
          .hasMessageContaining("expected: printable characters without ':'");
    }
  }
}
