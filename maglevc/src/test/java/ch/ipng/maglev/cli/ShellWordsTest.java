package ch.ipng.maglev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shell's word splitting: quotes keep a reason in one word. */
class ShellWordsTest {
  @Test
  void quotes_keepBlanksInOneWord() {
    assertThat(Shell.words("set backend a pause reason \"kernel upgrade\" for 2h"))
        .containsExactly("set", "backend", "a", "pause", "reason", "kernel upgrade", "for", "2h");
    assertThat(Shell.words("set backend a pause reason 'it''s \"fine\"'"))
        .containsExactly("set", "backend", "a", "pause", "reason", "its \"fine\"");
  }

  @Test
  void backslashes_escape_andBlanksSplit() {
    assertThat(Shell.words("  a\\ b   \"c \\\" d\"  e ")).containsExactly("a b", "c \" d", "e");
    assertThat(Shell.words("reason \"\"")).containsExactly("reason", "");
    assertThat(Shell.words("reason \"unclosed quote")).containsExactly("reason", "unclosed quote");
    assertThat(Shell.words("   ")).isEmpty();
  }
}
