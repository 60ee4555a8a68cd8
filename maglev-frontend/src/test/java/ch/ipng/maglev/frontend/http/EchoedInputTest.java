package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the frontend repeats of a client's input: cut short, its length told, no pair split. */
class EchoedInputTest {
  @Test
  void echo_keepsShortInputAndCutsLongInputTellingItsLength() {
    assertThat(Router.echo("/view/x")).isEqualTo("/view/x");
    assertThat(Router.echo("a".repeat(Router.ECHO_MAX))).isEqualTo("a".repeat(Router.ECHO_MAX));
    assertThat(Router.echo("a".repeat(5000)))
        .isEqualTo("a".repeat(Router.ECHO_MAX) + "… (5000 characters)");
  }

  @Test
  void echo_neverSplitsASurrogatePair() {
    String s = "a".repeat(Router.ECHO_MAX - 1) + "😀" + "b";
    assertThat(Router.echo(s))
        .isEqualTo("a".repeat(Router.ECHO_MAX - 1) + "… (" + s.length() + " characters)");
  }

  @Test
  void loggable_cutsTellingTheLength_andShowsControlCharactersAsQuestionMarks() {
    assertThat(AdminGate.loggable("ad\nmin\u0007")).isEqualTo("ad?min?");
    String s = "u".repeat(AdminGate.LOGGED_USER_MAX - 1) + "😀\r\n";
    assertThat(AdminGate.loggable(s))
        .isEqualTo("u".repeat(AdminGate.LOGGED_USER_MAX - 1) + "… (" + s.length() + " characters)");
    assertThat(AdminGate.loggable("\t".repeat(1000)))
        .isEqualTo("?".repeat(AdminGate.LOGGED_USER_MAX) + "… (1000 characters)");
  }
}
