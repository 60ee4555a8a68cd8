package ch.ipng.maglev.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextTest {
  @Test
  void cut_keepsWhatFits() {
    assertThat(Text.cut("", 5)).isEmpty();
    assertThat(Text.cut("abcde", 5)).isEqualTo("abcde");
  }

  @Test
  void cut_keepsMaxCharactersAndTellsTheLength() {
    assertThat(Text.cut("abcdef", 5)).isEqualTo("abcde… (6 characters)");
    assertThat(Text.cut("x".repeat(1_000_000), 256))
        .isEqualTo("x".repeat(256) + "… (1000000 characters)");
  }

  @Test
  void cut_neverSplitsASurrogatePair() {
    String s = "abcd" + "😀" + "ef"; // the pair is characters 5 and 6
    assertThat(Text.cut(s, 5)).isEqualTo("abcd… (8 characters)");
    assertThat(Text.cut(s, 6)).isEqualTo("abcd😀… (8 characters)");
    assertThat(Text.cut(s, 4)).isEqualTo("abcd… (8 characters)");
    assertThat(Text.cut("😀😀", 1)).isEqualTo("… (4 characters)");
  }

  @Test
  void cut_refusesALimitBelowOne() {
    assertThatThrownBy(() -> Text.cut("abc", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max 0 (expected: at least 1)");
  }
}
