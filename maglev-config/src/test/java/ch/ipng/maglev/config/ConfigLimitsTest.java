package ch.ipng.maglev.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import ch.ipng.maglev.config.ConfigException.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Hostile config files are refused quickly with a parse error naming the file and the limit. */
class ConfigLimitsTest {
  @TempDir Path dir;

  private static ConfigException refused(Path file) {
    try {
      ConfigLoader.load(file);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected " + file + " to be refused");
  }

  /**
   * A real 50 MB value (in a 50 MB file): refused by its size, before it is read (the message is
   * the size check's; the timeout catches a loader that reads and parses it all).
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void fiftyMegabyteValue_isRefusedBySizeWithoutReading() throws IOException {
    Path file = dir.resolve("big.yaml");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(
          "maglev:\n  backends:\n    a:\n      description: ".getBytes(StandardCharsets.UTF_8));
      byte[] chunk = "x".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 50; i++) {
        out.write(chunk);
      }
      out.write('\n');
    }
    ConfigException e = refused(file);
    assertThat(e.kind()).isEqualTo(Kind.PARSE);
    assertThat(e.getMessage())
        .isEqualTo(
            "cannot read "
                + file
                + ": "
                + Files.size(file)
                + " bytes, larger than the limit of 4194304 bytes");
  }

  /**
   * Just under the size limit, one value fills the file: it parses in about a second (the YAML
   * reader's default buffer made this quadratic: 20 s, which the timeout catches; a generous bound,
   * not a measurement, so a loaded machine does not fail it).
   */
  @Test
  @Timeout(value = 15, unit = TimeUnit.SECONDS)
  void valueJustUnderTheLimit_parsesAndItsEchoIsShortened() throws IOException {
    Path file = dir.resolve("almost.yaml");
    String head = "maglev:\n  healthchecks:\n    h:\n      type: ";
    Files.writeString(file, head + "y".repeat((int) ConfigLoader.MAX_FILE_BYTES - 100) + "\n");
    ConfigException e = refused(file);
    assertThat(e.getMessage())
        .startsWith("maglev.healthchecks.h.type: unknown type \"yyyy")
        .contains("… (4194204 characters)")
        .hasSizeLessThan(400);
  }

  /** {@code [} × 100,000 overflowed the composer's stack; it is now a parse error with a line. */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void deepNesting_isAParseErrorNotAStackOverflow() throws IOException {
    Path file = dir.resolve("deep.yaml");
    Files.writeString(file, "maglev: " + "[".repeat(100_000) + "\n");
    ConfigException e = refused(file);
    assertThat(e.kind()).isEqualTo(Kind.PARSE);
    assertThat(e.getMessage())
        .isEqualTo("nested deeper than 64 levels of mappings and lists (line 1, column 72)");
  }

  @Test
  void deepBlockNesting_isAParseErrorToo() throws IOException {
    StringBuilder yaml = new StringBuilder("maglev:\n");
    for (int i = 1; i <= 100; i++) {
      yaml.append(" ".repeat(i)).append("k").append(i).append(":\n");
    }
    Path file = dir.resolve("block.yaml");
    Files.writeString(file, yaml);
    assertThat(refused(file).getMessage()).startsWith("nested deeper than 64 levels");
  }

  @Test
  void nestingAtTheLimit_isNotADepthError() {
    String yaml = "maglev: " + "[".repeat(63) + "]".repeat(63) + "\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "t.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("maglev: expected a mapping, got a list (line 1, column 9)");
  }

  /** A real FIFO with no writer: the old loader blocked in open() until one came. */
  @Test
  @EnabledOnOs(OS.LINUX)
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void fifo_isRefusedAtOnce() throws Exception {
    Path fifo = dir.resolve("maglev.yaml");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
    CompletableFuture<ConfigException> f = CompletableFuture.supplyAsync(() -> refused(fifo));
    try {
      // a generous bound, inside the test's timeout, so that the old code's open() is unblocked
      ConfigException e = f.get(20, TimeUnit.SECONDS);
      assertThat(e.getMessage())
          .isEqualTo(
              "cannot read " + fifo + ": not a regular file (it is a FIFO, socket or device)");
    } finally {
      if (!f.isDone()) {
        // unblock the old code's open() so the test ends
        try (OutputStream out = Files.newOutputStream(fifo)) {
          out.write('\n');
        }
      }
    }
  }

  @Test
  void directoryAndDevice_areRefused() {
    assertThat(refused(dir).getMessage())
        .isEqualTo("cannot read " + dir + ": not a regular file (it is a directory)");
    Path zero = Path.of("/dev/zero");
    assumeThat(Files.exists(zero)).isTrue();
    assertThat(refused(zero).getMessage())
        .isEqualTo("cannot read /dev/zero: not a regular file (it is a FIFO, socket or device)");
  }

  @Test
  void unreadableFile_saysPermissionDenied() throws IOException {
    Path file = dir.resolve("secret.yaml");
    Files.writeString(file, ConfigLoaderTest.GOOD);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    assumeThat(Files.isReadable(file)).as("not root").isFalse();
    assertThat(refused(file).getMessage()).isEqualTo("cannot read " + file + ": permission denied");
  }

  /** The reason, not the file name twice, whoever runs the test (root reads anything). */
  @Test
  void ioFailures_areDescribedByTheirReason() {
    assertThat(ConfigLoader.describe(new AccessDeniedException("/x")))
        .isEqualTo("permission denied");
    assertThat(
            ConfigLoader.describe(
                new FileSystemException("/x", null, "Too many levels of symbolic links")))
        .isEqualTo("too many levels of symbolic links");
    assertThat(ConfigLoader.describe(new IOException("Is a directory")))
        .isEqualTo("Is a directory");
  }

  @Test
  void symlinkLoop_namesTheReason() throws IOException {
    Path a = dir.resolve("a.yaml");
    Path b = dir.resolve("b.yaml");
    Files.createSymbolicLink(a, b);
    Files.createSymbolicLink(b, a);
    assertThat(refused(a).getMessage())
        .startsWith("cannot read " + a + ": too many levels of symbolic links");
  }

  @Test
  void notUtf8_namesTheOffset() throws IOException {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, new byte[] {'m', 'a', 'g', (byte) 0xe9, 'v', ':'});
    assertThat(refused(file).getMessage())
        .isEqualTo("cannot read " + file + ": not UTF-8 (invalid byte sequence at byte offset 3)");
  }

  @Test
  void textOverTheCodePointLimit_isAParseError() {
    String yaml = "maglev: " + "z".repeat(ConfigLoader.MAX_CODE_POINTS);
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "t.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("4194312 characters, more than the limit of 4194304");
  }

  /** Billion laughs: more aliases to collections than the limit. */
  @Test
  void manyAliases_areAParseError() {
    StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    char prev = 'a';
    for (char c = 'b'; c <= 'j'; c++) {
      yaml.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 10; i++) {
        yaml.append(i == 0 ? "" : ", ").append('*').append(prev);
      }
      yaml.append("]\n");
      prev = c;
    }
    assertThatThrownBy(() -> ConfigLoader.parse(yaml.toString(), "t.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "Number of aliases for non-scalar nodes exceeds the specified max=50");
  }

  /** Weights of 2^31 and beyond, and beyond a long, are errors naming the key. */
  @Test
  void hugeWeights_areErrorsNamingTheKey() {
    for (String w : new String[] {"2147483648", "4294967396", "99999999999999999999"}) {
      String yaml = ConfigLoaderTest.GOOD.replace("{ weight: 100 }", "{ weight: " + w + " }");
      assertThatThrownBy(() -> ConfigLoader.parse(yaml, "t.yaml"))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("maglev.frontends.web.pools[0].backends.nginx0.weight: ")
          .hasMessageContaining(w);
    }
  }

  @Test
  void longUnknownKey_isShortenedInPathAndMessage() {
    // YAML's simple keys end at 1,024 characters
    String key = "k".repeat(1_000);
    ConfigException e = refusedText("maglev:\n  " + key + ": 1\n");
    assertThat(e.getMessage())
        .startsWith("maglev." + "k".repeat(80) + "… (1000 characters): unknown key \"kkk")
        .hasSizeLessThan(400);
  }

  private static ConfigException refusedText(String yaml) {
    try {
      ConfigLoader.parse(yaml, "t.yaml");
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected the config to be refused");
  }
}
