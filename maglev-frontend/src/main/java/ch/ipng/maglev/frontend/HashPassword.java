package ch.ipng.maglev.frontend;

import ch.ipng.maglev.frontend.http.PasswordHash;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code maglevd-frontend --hash-password}: reads one password from stdin (its first line, without
 * the line end) and prints its hash for a --users line.
 */
final class HashPassword {
  private HashPassword() {}

  static int run(InputStream in, PrintStream out, PrintStream err) {
    String password;
    try {
      password = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    } catch (IOException e) {
      err.println("maglevd-frontend: --hash-password: cannot read stdin: " + e.getMessage());
      return Main.USAGE;
    }
    if (password == null || password.isEmpty()) {
      err.println(
          "maglevd-frontend: --hash-password: no password on stdin (expected: the password on"
              + " one line)");
      return Main.USAGE;
    }
    out.println(PasswordHash.make(password));
    return Main.OK;
  }
}
