package ch.ipng.maglev.daemon.override;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.model.WeightKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The book's pure rules, on a fixed clock. */
class OverrideBookTest {
  static final Instant T0 = Instant.parse("2026-12-06T16:00:00Z");

  static OperatorOverride pause(String b, Duration ttl) {
    return OperatorOverride.lifecycle(
        b,
        OperatorOverride.Kind.PAUSE,
        "peer 192.0.2.1:1",
        "kernel upgrade",
        T0,
        ttl == null ? null : T0.plus(ttl));
  }

  static OperatorOverride weight(String b, int w, Duration ttl) {
    return OperatorOverride.weight(
        new WeightKey("web", "primary", b),
        w,
        "peer 192.0.2.1:1",
        "",
        T0,
        ttl == null ? null : T0.plus(ttl));
  }

  @Test
  void due_isNothingBeforeUntil_andTheOverrideAtAndAfterIt() {
    OverrideBook book = OverrideBook.of(List.of(pause("a", Duration.ofHours(2))));
    assertThat(book.due(T0.plus(Duration.ofHours(2)).minusNanos(1))).isEmpty();
    assertThat(book.due(T0.plus(Duration.ofHours(2)))).hasSize(1);
    assertThat(book.due(T0.plus(Duration.ofDays(2)))).hasSize(1);
  }

  @Test
  void due_neverIncludesAnOverrideWithoutTtl() {
    OverrideBook book = OverrideBook.of(List.of(pause("a", null), weight("a", 5, null)));
    assertThat(book.due(Instant.MAX)).isEmpty();
    assertThat(book.nextExpiry()).isEmpty();
  }

  @Test
  void due_isEarliestFirst_andNextExpiryIsTheEarliest() {
    OverrideBook book =
        OverrideBook.of(
            List.of(
                pause("z", Duration.ofMinutes(1)),
                pause("a", Duration.ofMinutes(3)),
                weight("m", 10, Duration.ofMinutes(2))));
    assertThat(book.due(T0.plus(Duration.ofHours(1))))
        .extracting(OperatorOverride::backend)
        .containsExactly("z", "m", "a");
    assertThat(book.nextExpiry()).contains(T0.plus(Duration.ofMinutes(1)));
  }

  @Test
  void with_replacesTheOverrideOfTheSameKey_only() {
    OverrideBook book =
        OverrideBook.EMPTY
            .with(pause("a", null))
            .with(weight("a", 10, null))
            .with(pause("a", Duration.ofMinutes(5)));
    assertThat(book.size()).isEqualTo(2);
    assertThat(book.get(OperatorOverride.Key.pause("a")).orElseThrow().until())
        .isEqualTo(T0.plus(Duration.ofMinutes(5)));
    assertThat(book.without(OperatorOverride.Key.pause("a")).all())
        .extracting(OperatorOverride::kind)
        .containsExactly(OperatorOverride.Kind.WEIGHT);
  }

  @Test
  void disableAndEnable_shareOneKey() {
    OverrideBook book =
        OverrideBook.EMPTY
            .with(OperatorOverride.lifecycle("a", OperatorOverride.Kind.DISABLE, "x", "", T0, null))
            .with(OperatorOverride.lifecycle("a", OperatorOverride.Kind.ENABLE, "x", "", T0, null));
    assertThat(book.all())
        .extracting(OperatorOverride::kind)
        .containsExactly(OperatorOverride.Kind.ENABLE);
  }

  @Test
  void stale_dropsWhatNoLongerHolds_andKeepsWhatDoes() {
    OperatorOverride pausedA = pause("a", null);
    OperatorOverride pausedB = pause("b", null); // b is up now: resumed behind the book
    OperatorOverride gone = pause("gone", null);
    OperatorOverride disabledC =
        OperatorOverride.lifecycle("c", OperatorOverride.Kind.DISABLE, "x", "", T0, null);
    OperatorOverride disabledD = // the config disables d itself now
        OperatorOverride.lifecycle("d", OperatorOverride.Kind.DISABLE, "x", "", T0, null);
    OperatorOverride enabledE =
        OperatorOverride.lifecycle("e", OperatorOverride.Kind.ENABLE, "x", "", T0, null);
    OperatorOverride enabledF = // the config enables f now
        OperatorOverride.lifecycle("f", OperatorOverride.Kind.ENABLE, "x", "", T0, null);
    OperatorOverride w10 = weight("a", 10, null);
    OperatorOverride w20 = weight("b", 20, null); // a reload dropped it
    OverrideBook book =
        OverrideBook.of(
            List.of(pausedA, pausedB, gone, disabledC, disabledD, enabledE, enabledF, w10, w20));
    Map<String, OverrideBook.BackendFacts> facts =
        Map.of(
            "a", new OverrideBook.BackendFacts(BackendState.PAUSED, true),
            "b", new OverrideBook.BackendFacts(BackendState.UP, true),
            "c", new OverrideBook.BackendFacts(BackendState.DISABLED, true),
            "d", new OverrideBook.BackendFacts(BackendState.DISABLED, false),
            "e", new OverrideBook.BackendFacts(BackendState.UNKNOWN, false),
            "f", new OverrideBook.BackendFacts(BackendState.UP, true));
    Map<WeightKey, Integer> weights = Map.of(new WeightKey("web", "primary", "a"), 10);
    assertThat(book.stale(facts::get, weights::get))
        .containsExactlyInAnyOrder(pausedB, gone, disabledD, enabledF, w20);
  }

  @Test
  void anOverride_refusesWhatItCannotBe() {
    assertThatThrownBy(
            () -> OperatorOverride.weight(new WeightKey("f", "p", "b"), 101, "x", "", T0, null))
        .hasMessageContaining("weight: 101 (expected: 0-100)");
    assertThatThrownBy(
            () ->
                OperatorOverride.lifecycle(
                    "b", OperatorOverride.Kind.PAUSE, "x", "r".repeat(513), T0, null))
        .hasMessageContaining("reason: 513 characters");
    assertThatThrownBy(
            () ->
                OperatorOverride.lifecycle(
                    "b", OperatorOverride.Kind.PAUSE, "x", "", T0, T0.minusSeconds(1)))
        .hasMessageContaining("until");
  }
}
