package ch.ipng.maglev.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/design.md, checked on maglevd's compiled classes: every class name a
 * class file mentions (references, descriptors, signatures) is read from its constant pool.
 */
class ArchitectureTest {
  private static final String ROOT = "ch/ipng/maglev/";
  private static final Pattern NAME = Pattern.compile("ch/ipng/maglev/[A-Za-z0-9_/$]+");

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
              "daemon/metrics",
              List.of("daemon/checker/Checker", "daemon/grpc", "vpp/"),
              "metrics hear listener interfaces, not the checker"));

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
          for (String used : mentioned(f)) {
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
    assertThat(mentioned(self)).contains("ch/ipng/maglev/daemon/ArchitectureTest$Rule");
    Path dataplane = Path.of("target/classes/ch/ipng/maglev/daemon/dataplane/VppDataplane.class");
    assertThat(mentioned(dataplane)).contains("ch/ipng/maglev/daemon/model/ModelSource");
  }

  /** Every ch/ipng/maglev class name in the class file's constant pool. */
  static Set<String> mentioned(Path classFile) throws IOException {
    Set<String> out = new TreeSet<>();
    try (InputStream in = Files.newInputStream(classFile);
        DataInputStream d = new DataInputStream(in)) {
      if (d.readInt() != 0xCAFEBABE) {
        throw new IOException(classFile + ": not a class file");
      }
      d.readUnsignedShort();
      d.readUnsignedShort();
      int count = d.readUnsignedShort();
      for (int i = 1; i < count; i++) {
        int tag = d.readUnsignedByte();
        switch (tag) {
          case 1 -> {
            Matcher m = NAME.matcher(d.readUTF());
            while (m.find()) {
              out.add(m.group());
            }
          }
          case 3, 4, 9, 10, 11, 12, 17, 18 -> d.readInt();
          case 5, 6 -> {
            d.readLong();
            i++; // eight-byte constants take two slots
          }
          case 7, 8, 16, 19, 20 -> d.readUnsignedShort();
          case 15 -> {
            d.readUnsignedByte();
            d.readUnsignedShort();
          }
          default -> throw new IOException(classFile + ": constant pool tag " + tag);
        }
      }
    }
    return out;
  }
}
