package ch.ipng.maglev.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.daemon.testing.ClassReferences;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * maglevd-frontend talks to maglevd over gRPC only: none of its classes uses vpp-api (the weight
 * preview comes from maglevd) or maglevd's own classes.
 */
class ArchitectureTest {
  @Test
  void noClassUsesVppApiOrTheDaemon() throws IOException {
    Path classes = Path.of("target/classes");
    assertThat(classes.resolve("ch/ipng/maglev/frontend/Main.class")).exists();
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        for (String used : ClassReferences.mentioned(f)) {
          if (used.startsWith("ch/ipng/maglev/vpp/") || used.startsWith("ch/ipng/maglev/daemon/")) {
            violations.add(classes.relativize(f) + " uses " + used);
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }
}
