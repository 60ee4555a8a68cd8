package ch.ipng.maglev.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue #12: no main-source Java file of the repository (every module's {@code src/main/java},
 * generated code aside) is over 500 lines, counted as {@code wc -l} counts them.
 */
class SourceSizeTest {
  private static final int MAX_LINES = 500;

  // build output, dependencies and dot-directories (.git) hold no sources of ours
  private static final Set<String> SKIPPED = Set.of("target", "node_modules", "build");

  @Test
  void noMainSourceFile_isOver500Lines() throws IOException {
    Path root = repositoryRoot();
    List<Path> sources = mainSources(root);
    // the walk must have found the modules, or an empty list would pass
    assertThat(sources)
        .as("main-source Java files under %s", root)
        .contains(root.resolve("maglevd/src/main/java/ch/ipng/maglev/daemon/Main.java"))
        .hasSizeGreaterThan(100);
    List<String> over = new ArrayList<>();
    for (Path p : sources) {
      long lines = lines(p);
      if (lines > MAX_LINES && !generated(p)) {
        over.add(root.relativize(p) + ": " + lines + " lines");
      }
    }
    assertThat(over)
        .as("main-source Java files over %d lines: split them along a seam (issue #12)", MAX_LINES)
        .isEmpty();
  }

  @Test
  void lines_areCountedAsWcCountsThem() throws IOException {
    Path f = Files.createTempFile("source-size", ".java");
    try {
      Files.writeString(f, "a\nb\nc"); // wc -l: 2 (the last line has no newline)
      assertThat(lines(f)).isEqualTo(2);
      Files.writeString(f, "a\n\n\n");
      assertThat(lines(f)).isEqualTo(3);
    } finally {
      Files.delete(f);
    }
  }

  /**
   * The repository root: the first directory up from this module's that holds maglevd's sources.
   */
  private static Path repositoryRoot() {
    Path start = Path.of("").toAbsolutePath();
    for (Path d = start; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("pom.xml"))
          && Files.isDirectory(d.resolve("maglevd/src/main/java"))) {
        return d;
      }
    }
    throw new AssertionError(
        "repository root: not found above " + start + " (expected: a pom.xml next to maglevd/)");
  }

  /** Every {@code *.java} below a {@code src/main/java} directory, skipping build output. */
  private static List<Path> mainSources(Path root) throws IOException {
    List<Path> out = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            String name = dir.equals(root) ? "" : dir.getFileName().toString();
            boolean skip =
                SKIPPED.contains(name) || name.startsWith(".") || name.contains("generated");
            return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            String rel = root.relativize(file).toString().replace('\\', '/');
            if (rel.endsWith(".java") && rel.contains("/src/main/java/")) {
              out.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return out;
  }

  /** Newlines in the file, as {@code wc -l} counts. */
  private static long lines(Path file) throws IOException {
    long n = 0;
    byte[] buf = new byte[8192];
    try (InputStream in = Files.newInputStream(file)) {
      for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
        for (int i = 0; i < r; i++) {
          n += buf[i] == '\n' ? 1 : 0;
        }
      }
    }
    return n;
  }

  /** Whether a file says it is generated (a code generator's header in its first lines). */
  private static boolean generated(Path file) throws IOException {
    try (var lines = Files.lines(file)) {
      return lines.limit(20).anyMatch(l -> l.contains("@Generated") || l.contains("DO NOT EDIT"));
    }
  }
}
