package ch.ipng.maglev.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PropertyTest {
  @Test
  void sameSeedSameInputs() {
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    Property.forAll("p", 20, r -> Property.text(r, "ab", 8), first::add);
    Property.forAll("p", 20, r -> Property.text(r, "ab", 8), second::add);
    assertThat(first).hasSize(20).isEqualTo(second);
  }

  @Test
  void aFailureNamesSeedTryAndInput() {
    assertThatThrownBy(
            () ->
                Property.forAll(
                    "never-empty", 200, r -> Property.bytes(r, 3), b -> assertThat(b).isNotEmpty()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("never-empty failed at try")
        .hasMessageContaining("of seed")
        .hasMessageContaining("bytes ");
  }

  @Test
  void mutationsStayNearTheSample() {
    byte[] sample = new byte[64];
    Property.forAll(
        "mutate",
        500,
        r -> Property.mutate(r, sample),
        m -> assertThat(m.length).isLessThanOrEqualTo(64 + 4 * 16));
  }
}
