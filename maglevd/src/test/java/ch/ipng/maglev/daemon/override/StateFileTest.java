package ch.ipng.maglev.daemon.override;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.daemon.model.WeightKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving and loading the state file in a real directory; bad files go aside. */
class StateFileTest {
  @TempDir Path dir;

  static final Instant T0 = Instant.parse("2026-12-06T16:00:00Z");
  static final List<OperatorOverride> TWO =
      List.of(
          OperatorOverride.lifecycle(
              "a",
              OperatorOverride.Kind.PAUSE,
              "peer 127.0.0.1:1",
              "kernel upgrade",
              T0,
              T0.plusSeconds(7200)),
          OperatorOverride.weight(
              new WeightKey("web", "primary", "b"), 20, "peer 127.0.0.1:1", "", T0, null));

  @Test
  void saveThenLoad_givesTheOverrides_andLeavesNoTemporaryFile() throws Exception {
    StateFile f = StateFile.of(dir.resolve("state.json"));
    f.save(TWO, T0);
    f.save(TWO, T0); // over an existing file
    assertThat(f.load()).isEqualTo(TWO);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json");
    }
    assertThat(Files.readString(f.path())).contains("\"version\": 1", "\"kernel upgrade\"");
  }

  @Test
  void load_ofNoFile_isNone_andMovesNothing() {
    StateFile f = StateFile.of(dir.resolve("state.json"));
    assertThat(f.load()).isEmpty();
    assertThat(f.badPath()).doesNotExist();
  }

  @Test
  void load_ofATruncatedGarbageOrNewerFile_isNone_andKeepsItAsBad() throws Exception {
    StateFile f = StateFile.of(dir.resolve("state.json"));
    f.save(TWO, T0);
    String good = Files.readString(f.path());
    for (String bad :
        List.of(
            good.substring(0, good.length() / 3),
            "\u0000\u0001garbage",
            good.replace("\"version\": 1", "\"version\": 7"),
            "")) {
      Files.writeString(f.path(), bad);
      assertThat(f.load()).as(bad).isEmpty();
      assertThat(f.path()).doesNotExist();
      assertThat(Files.readString(f.badPath())).isEqualTo(bad);
    }
  }

  @Test
  void load_ofInvalidUtf8_isNone_andKeepsItAsBad() throws Exception {
    StateFile f = StateFile.of(dir.resolve("state.json"));
    Files.write(f.path(), new byte[] {'{', (byte) 0xff, '}'});
    assertThat(f.load()).isEmpty();
    assertThat(f.badPath()).exists();
  }
}
