package ch.ipng.maglev.daemon.override;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.ipng.maglev.common.testing.Property;
import ch.ipng.maglev.daemon.model.WeightKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The state file's JSON: what is written reads back the same; anything else is refused cleanly. */
class StateCodecPropertyTest {
  static final Instant T0 = Instant.parse("2026-12-06T16:00:00.123456789Z");

  static List<OperatorOverride> sample(Random r) {
    List<OperatorOverride> out = new ArrayList<>();
    int n = r.nextInt(6);
    for (int i = 0; i < n; i++) {
      String backend = "b" + r.nextInt(4);
      String reason = Property.text(r, "ab \"\\\u00e9\u2026{}[],:", 20);
      Instant since = T0.plusMillis(r.nextInt(100_000));
      Instant until = r.nextBoolean() ? null : since.plus(Duration.ofSeconds(r.nextInt(10_000)));
      OperatorOverride o =
          switch (r.nextInt(4)) {
            case 0 ->
                OperatorOverride.lifecycle(
                    backend, OperatorOverride.Kind.PAUSE, "peer 192.0.2.1:5", reason, since, until);
            case 1 ->
                OperatorOverride.lifecycle(
                    backend,
                    OperatorOverride.Kind.DISABLE,
                    "peer [2001:db8::1]:5",
                    reason,
                    since,
                    until);
            case 2 ->
                OperatorOverride.lifecycle(
                    backend, OperatorOverride.Kind.ENABLE, "maglevd", reason, since, until);
            default ->
                OperatorOverride.weight(
                    new WeightKey("web", "p" + r.nextInt(2), backend),
                    r.nextInt(101),
                    "admin",
                    reason,
                    since,
                    until);
          };
      out.add(o);
    }
    return OverrideBook.of(out).all();
  }

  @Test
  void encodeThenDecode_givesTheSameOverrides() {
    Property.forAll(
        "state-roundtrip",
        2_000,
        StateCodecPropertyTest::sample,
        list -> assertThat(StateCodec.decode(StateCodec.encode(list, T0))).isEqualTo(list));
  }

  @Test
  void decode_ofMutatedOrArbitraryText_readsOrRefusesWithAMessage_neverThrowsElse() {
    Property.forAll(
        "state-mutated",
        3_000,
        r ->
            r.nextInt(4) == 0
                ? new String(Property.bytes(r, 200), java.nio.charset.StandardCharsets.UTF_8)
                : Property.mutate(r, StateCodec.encode(sample(r), T0)),
        text -> {
          try {
            StateCodec.decode(text);
          } catch (StateCodec.FormatException e) {
            assertThat(e.getMessage()).isNotBlank();
          }
        });
  }

  @Test
  void decode_refusesANewerVersion_andTruncation_namingWhy() {
    String good = StateCodec.encode(sample(new Random(3)), T0);
    assertThatThrownBy(() -> StateCodec.decode(good.replace("\"version\": 1", "\"version\": 2")))
        .isInstanceOf(StateCodec.NewerVersionException.class)
        .hasMessage("version: 2 (expected: at most 1, a newer maglevd wrote it)");
    assertThatThrownBy(() -> StateCodec.decode(good.substring(0, good.length() / 2)))
        .isInstanceOf(StateCodec.FormatException.class)
        .hasMessageStartingWith("not JSON");
    assertThatThrownBy(
            () ->
                StateCodec.decode(
                    "{\"version\":1,\"overrides\":[{\"kind\":\"pause\",\"backend\":\"a\","
                        + "\"actor\":\"x\",\"reason\":\"\",\"since\":\"yesterday\"}]}"))
        .hasMessage("overrides[0].since: \"yesterday\" (expected: an RFC 3339 UTC time)");
    assertThatThrownBy(() -> StateCodec.decode("{\"version\":1} {}"))
        .isInstanceOf(StateCodec.FormatException.class);
  }
}
