package ch.ipng.maglev.daemon;

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
 * The package rules of docs/design.md, checked on maglevd's compiled classes: every class name a
 * class file mentions (references, descriptors, signatures) is read from its constant pool.
 */
class ArchitectureTest {
  private static final String ROOT = "ch/ipng/maglev/";

  /** A package (slash form, under ch/ipng/maglev/) and the packages it must never reach. */
  private record Rule(String from, List<String> never, String why) {}

  private static final List<Rule> RULES =
      List.of(
          new Rule(
              "daemon/dataplane",
              List.of("daemon/checker", "daemon/metrics", "daemon/grpc"),
              "the dataplane reads the live model and reports through DataplaneObserver"),
          new Rule(
              "daemon/grpc",
              List.of("vpp/"),
              "gRPC gets the dataplane's own records, never vpp-api types"),
          new Rule(
              "daemon/model",
              List.of(
                  "daemon/checker",
                  "daemon/dataplane",
                  "daemon/grpc",
                  "daemon/metrics",
                  "daemon/probe",
                  "vpp/"),
              "the live model sits below everything that reads or writes it"),
          new Rule(
              "daemon/health",
              List.of(
                  "daemon/checker",
                  "daemon/dataplane",
                  "daemon/grpc",
                  "daemon/metrics",
                  "daemon/probe",
                  "daemon/model",
                  "vpp/"),
              "the state machine and weights are pure functions"),
          new Rule(
              "daemon/override",
              List.of("daemon/grpc", "daemon/dataplane", "daemon/metrics", "vpp/"),
              "overrides act through the checker and know nothing of who calls them"),
          new Rule(
              "daemon/metrics",
              List.of("daemon/checker/Checker", "daemon/grpc", "vpp/"),
              "metrics hear listener interfaces, not the checker"),
          new Rule(
              "daemon/fleet",
              List.of("daemon/checker", "daemon/grpc", "daemon/metrics", "daemon/probe"),
              "table digests and flow lookups are pure functions of the dataplane's records"));

  @Test
  void noPackageReachesWhatTheDesignForbids() throws IOException {
    Path classes = Path.of("target/classes");
    assertThat(classes.resolve(ROOT + "daemon/Daemon.class")).exists();
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String self = classes.relativize(f).toString().replace('\\', '/');
        for (Rule r : RULES) {
          if (!self.startsWith(ROOT + r.from() + "/")) {
            continue;
          }
          for (String used : ClassReferences.mentioned(f)) {
            for (String bad : r.never()) {
              if (used.startsWith(ROOT + bad)) {
                violations.add(self + " uses " + used + " (" + r.why() + ")");
              }
            }
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void theReader_seesWhatAClassUses() throws IOException {
    Path self = Path.of("target/test-classes/ch/ipng/maglev/daemon/ArchitectureTest.class");
    assertThat(ClassReferences.mentioned(self))
        .contains("ch/ipng/maglev/daemon/ArchitectureTest$Rule");
    Path dataplane = Path.of("target/classes/ch/ipng/maglev/daemon/dataplane/VppDataplane.class");
    assertThat(ClassReferences.mentioned(dataplane))
        .contains("ch/ipng/maglev/daemon/model/ModelSource");
  }
}
