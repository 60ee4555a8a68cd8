package ch.ipng.maglev.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/config-guide.md documents exactly the keys the parser accepts, section by section. */
class ConfigGuideTest {
  private static final Path GUIDE =
      Path.of(System.getProperty("maglev.projectRoot"), "docs", "config-guide.md");
  private static final Pattern SECTION = Pattern.compile("^#{2,3} `(maglev[^`]*)`");
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9-]+)`");
  private static final Pattern TOP_KEY = Pattern.compile("^  ([a-z]+): ");

  /** Section → keys: table rows under each heading, and the top-level keys of the first block. */
  static Map<String, Set<String>> documented() throws IOException {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    String section = null;
    boolean inFirstBlock = false;
    boolean firstBlockSeen = false;
    for (String line : Files.readAllLines(GUIDE)) {
      if (line.startsWith("```")) {
        inFirstBlock = !firstBlockSeen && !inFirstBlock;
        firstBlockSeen |= inFirstBlock;
        continue;
      }
      if (inFirstBlock) {
        Matcher top = TOP_KEY.matcher(line);
        if (top.find()) {
          out.computeIfAbsent("maglev", k -> new LinkedHashSet<>()).add(top.group(1));
          if (top.group(1).equals("vpp") && line.contains("lb:")) {
            out.computeIfAbsent("maglev.vpp", k -> new LinkedHashSet<>()).add("lb");
          }
        }
        continue;
      }
      Matcher h = SECTION.matcher(line);
      if (h.find()) {
        section = h.group(1);
        continue;
      }
      Matcher row = ROW.matcher(line);
      if (section != null && row.find()) {
        out.computeIfAbsent(section, k -> new LinkedHashSet<>()).add(row.group(1));
      }
    }
    return out;
  }

  @Test
  void everyAcceptedKeyIsDocumentedAndEveryDocumentedKeyAccepted() throws IOException {
    Map<String, Set<String>> documented = documented();
    Map<String, Set<String>> accepted = ConfigLoader.keysBySection();
    assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(accepted.keySet());
    accepted.forEach(
        (section, keys) ->
            assertThat(documented.get(section))
                .as("keys of %s in docs/config-guide.md", section)
                .containsExactlyInAnyOrderElementsOf(keys));
  }
}
