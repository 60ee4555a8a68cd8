package ch.ipng.maglev.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A map over shared keys behaves as an unmodifiable LinkedHashMap with the same entries. */
class ArrayMapTest {
  @Test
  void agreesWithLinkedHashMap_onEveryReadOperation() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      Map<String, Integer> expected = new LinkedHashMap<>();
      int n = random.nextInt(20);
      for (int i = 0; i < n; i++) {
        expected.put("b" + random.nextInt(40), random.nextInt(101));
      }
      ArrayMap<Integer> map = ArrayMap.copyOf(expected);
      assertThat(map).isEqualTo(expected);
      assertThat(expected).isEqualTo(map);
      assertThat(map.hashCode()).isEqualTo(expected.hashCode());
      assertThat(map.toString()).isEqualTo(expected.toString());
      assertThat(new ArrayList<>(map.keySet())).isEqualTo(new ArrayList<>(expected.keySet()));
      assertThat(new ArrayList<>(map.values())).isEqualTo(new ArrayList<>(expected.values()));
      for (int i = 0; i < 40; i++) {
        String k = "b" + i;
        assertThat(map.get(k)).isEqualTo(expected.get(k));
        assertThat(map.containsKey(k)).isEqualTo(expected.containsKey(k));
        assertThat(map.containsValue(i)).isEqualTo(expected.containsValue(i));
      }
      List<String> visited = new ArrayList<>();
      map.forEach((k, v) -> visited.add(k + "=" + v));
      List<String> want = new ArrayList<>();
      expected.forEach((k, v) -> want.add(k + "=" + v));
      assertThat(visited).isEqualTo(want);
    }
  }

  @Test
  void mapsOverTheSameKeys_shareThem_andCompareByValues() {
    ArrayMap<Integer> a = ArrayMap.copyOf(Map.of("x", 1, "y", 2));
    ArrayMap<Integer> b =
        ArrayMap.<Integer>builder(a.keys()).set(0, a.valueAt(0)).set(1, a.valueAt(1)).build();
    ArrayMap<Integer> c =
        ArrayMap.<Integer>builder(a.keys()).set(0, a.valueAt(0)).set(1, 99).build();
    assertThat(b.keys()).isSameAs(a.keys());
    assertThat(ArrayMap.keysOf(b)).isSameAs(a.keys());
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
    assertThat(ArrayMap.copyOf(a)).isSameAs(a);
    // a map of another kind gets keys in its own iteration order
    Map<String, Integer> hashed = new HashMap<>(Map.of("p", 1, "q", 2, "r", 3));
    assertThat(ArrayMap.keysOf(hashed).names()).containsExactlyElementsOf(hashed.keySet());
  }

  @Test
  void isUnmodifiable() {
    ArrayMap<Integer> map = ArrayMap.copyOf(Map.of("x", 1));
    assertThatThrownBy(() -> map.put("y", 2)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.remove("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.entrySet().iterator().next().setValue(3))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(map::clear).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void builder_namesTheKeyWithoutAValue_andIsUsedOnce() {
    ArrayMap.Keys keys = ArrayMap.Keys.of(List.of("nginx0", "nginx1"));
    ArrayMap.Builder<String> b = ArrayMap.<String>builder(keys).set(0, "up");
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no value for \"nginx1\" (expected: a value for every key)");
    b.set(1, "down");
    assertThat(b.build()).containsExactly(Map.entry("nginx0", "up"), Map.entry("nginx1", "down"));
    assertThatThrownBy(() -> b.set(0, "x")).hasMessage("built already");
    assertThatThrownBy(() -> ArrayMap.Keys.of(List.of("a", "a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name \"a\" given twice (expected: each name once)");
    assertThat(keys.indexOf("nginx1")).isEqualTo(1);
    assertThat(keys.indexOf("other")).isEqualTo(-1);
  }
}
