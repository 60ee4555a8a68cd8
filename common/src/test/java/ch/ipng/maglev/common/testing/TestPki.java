package ch.ipng.maglev.common.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for tests, made by the openssl command line as the user guide tells operators to: a
 * CA (EC P-256, PKCS#8 keys) and leaf certificates it signs into one directory. Each leaf has
 * {@code name.pem} and {@code name.key}; the CA is {@code ca-name.pem}.
 */
public final class TestPki {
  private final Path dir;
  private final String ca;
  private int serial = 1;

  private TestPki(Path dir, String ca) {
    this.dir = dir;
    this.ca = ca;
  }

  /** A new CA called {@code name} in {@code dir}. */
  public static TestPki create(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ca-" + name + ".key",
        "-out",
        "ca-" + name + ".pem",
        "-days",
        "2",
        "-subj",
        "/CN=" + name);
    return new TestPki(dir, name);
  }

  /** The CA's certificate. */
  public Path caCert() {
    return dir.resolve("ca-" + ca + ".pem");
  }

  /** A server certificate for localhost, 127.0.0.1 and ::1. */
  public Path server(String name) throws IOException {
    return leaf(name, "serverAuth", "DNS:localhost,IP:127.0.0.1,IP:::1", 1);
  }

  /** A client certificate with subject CN {@code cn} and the given SANs (may be empty). */
  public Path client(String cn, String sans) throws IOException {
    return leaf(cn, "clientAuth", sans, 1);
  }

  /** A client certificate whose validity ended yesterday. */
  public Path expiredClient(String cn) throws IOException {
    return leaf(cn, "clientAuth", "", -1);
  }

  /** The key of a leaf made here. */
  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  public Path cert(String name) {
    return dir.resolve(name + ".pem");
  }

  private Path leaf(String name, String usage, String sans, int days) throws IOException {
    openssl(
        dir,
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr",
        "-subj",
        "/CN=" + name);
    String ext =
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage="
            + usage
            + "\n"
            + (sans.isEmpty() ? "" : "subjectAltName=" + sans + "\n");
    Files.writeString(dir.resolve(name + ".ext"), ext, StandardCharsets.UTF_8);
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        "ca-" + ca + ".pem",
        "-CAkey",
        "ca-" + ca + ".key",
        "-set_serial",
        Integer.toString(serial++),
        "-days",
        Integer.toString(days),
        "-extfile",
        name + ".ext",
        "-out",
        name + ".pem");
    return dir.resolve(name + ".pem");
  }

  private static void openssl(Path dir, String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Path log = Files.createTempFile(dir, "openssl", ".log");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("openssl did not finish in 60 s: " + command);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          "openssl failed (" + p.exitValue() + "): " + command + "\n" + Files.readString(log));
    }
  }
}
