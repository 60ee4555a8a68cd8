package ch.ipng.maglev.daemon.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EchoTest {
  @Test
  void aShortValue_isKept() {
    assertThat(Echo.of("nginx0-ams")).isEqualTo("nginx0-ams");
    assertThat(Echo.description("backend \"x\" not found")).isEqualTo("backend \"x\" not found");
  }

  @Test
  void aLongValue_isCutAt256_withTheOriginalLength() {
    String name = "n".repeat(1 << 20);
    assertThat(Echo.of(name)).isEqualTo("n".repeat(256) + "… (1048576 characters)");
  }

  @Test
  void aDescription_cutsEachQuotedValue_andKeepsTheRest() {
    String d =
        "backend \""
            + "b".repeat(5000)
            + "\" not found in pool \""
            + "p".repeat(300)
            + "\" of frontend \"f\"";
    assertThat(Echo.description(d))
        .isEqualTo(
            "backend \""
                + "b".repeat(256)
                + "… (5000 characters)\" not found in pool \""
                + "p".repeat(256)
                + "… (300 characters)\" of frontend \"f\"");
  }

  @Test
  void aValueCutAlready_isNotCutAgain() {
    String d = "backend \"" + Echo.of("y".repeat(1000)) + "\" not found";
    assertThat(Echo.description(d)).isEqualTo(d);
  }

  @Test
  void aLongUnquotedDescription_isBoundedAsAWhole() {
    String d = Echo.description("x".repeat(100_000));
    assertThat(d).hasSize(Echo.MAX_DESCRIPTION + "… (100000 characters)".length());
  }

  @Test
  void aSurrogatePair_isNotSplit() {
    String name = "a".repeat(255) + "😀" + "b".repeat(10);
    assertThat(Echo.of(name)).isEqualTo("a".repeat(255) + "… (267 characters)");
  }
}
