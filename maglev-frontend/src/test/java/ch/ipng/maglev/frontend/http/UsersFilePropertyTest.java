package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.common.testing.Property;
import org.junit.jupiter.api.Test;

/**
 * Any users file, however mangled, is read or refused with a message naming the file and the line:
 * never another exception.
 */
class UsersFilePropertyTest {
  static final String SAMPLE =
      "# users\nvera viewer "
          + UsersTest.hash("v")
          + "\n\nolga\toperator "
          + UsersTest.hash("o")
          + "\nada admin "
          + UsersTest.hash("a")
          + "\n";

  @Test
  void aMangledUsersFile_isReadOrRefusedNamingTheLine() {
    Property.forAll(
        "users file",
        3_000,
        r -> Property.mutate(r, SAMPLE),
        text -> {
          try {
            var users = Users.parse("--users f", text);
            assertThat(users.size()).isBetween(0, 3 + text.length());
          } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).matches("(?s)--users f:\\d+: .+");
          }
        });
  }
}
