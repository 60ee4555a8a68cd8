package ch.ipng.maglev.frontend.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A stored password: PBKDF2 with HMAC-SHA256 from the JDK, written {@code
 * pbkdf2-sha256$ITERATIONS$SALT$HASH} (salt and hash in unpadded base64), so the users file never
 * holds a password. {@link #make} uses {@link #ITERATIONS} and a random 16-byte salt; {@link
 * #matches} compares in constant time.
 */
public final class PasswordHash {
  public static final String SCHEME = "pbkdf2-sha256";

  /** OWASP's figure for PBKDF2-HMAC-SHA256 (2023). */
  public static final int ITERATIONS = 600_000;

  static final int MIN_ITERATIONS = 1_000;
  static final int MAX_ITERATIONS = 10_000_000;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  private final int iterations;
  private final byte[] salt;
  private final byte[] hash;

  private PasswordHash(int iterations, byte[] salt, byte[] hash) {
    this.iterations = iterations;
    this.salt = salt;
    this.hash = hash;
  }

  /** A new hash of {@code password} with a random salt. */
  public static String make(String password) {
    return make(password, ITERATIONS);
  }

  /** As above, with {@code iterations} rounds (tests use few, to stay fast). */
  public static String make(String password, int iterations) {
    if (password.isEmpty()) {
      throw new IllegalArgumentException(
          "the password is empty (expected: at least one character)");
    }
    byte[] salt = new byte[SALT_BYTES];
    new SecureRandom().nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return SCHEME
        + "$"
        + iterations
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(derive(password, salt, iterations));
  }

  /**
   * The stored hash {@code text}.
   *
   * @throws IllegalArgumentException saying what is wrong with it and what was expected
   */
  public static PasswordHash parse(String text) {
    String expected =
        " (expected: "
            + SCHEME
            + "$ITERATIONS$SALT$HASH, as maglevd-frontend --hash-password"
            + " prints it)";
    String[] p = text.split("\\$", -1);
    if (p.length != 4 || !p[0].equals(SCHEME)) {
      throw new IllegalArgumentException("not a password hash" + expected);
    }
    int iterations;
    try {
      iterations = Integer.parseInt(p[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("iterations \"" + p[1] + "\" is not a number" + expected);
    }
    if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException(
          "iterations "
              + iterations
              + " (expected: from "
              + MIN_ITERATIONS
              + " to "
              + MAX_ITERATIONS
              + ")");
    }
    byte[] salt;
    byte[] hash;
    try {
      salt = Base64.getDecoder().decode(p[2]);
      hash = Base64.getDecoder().decode(p[3]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("salt or hash is not base64" + expected);
    }
    if (salt.length < 8 || hash.length != HASH_BYTES) {
      throw new IllegalArgumentException(
          "salt of "
              + salt.length
              + " bytes, hash of "
              + hash.length
              + " (expected: at least 8 and exactly "
              + HASH_BYTES
              + ")");
    }
    return new PasswordHash(iterations, salt, hash);
  }

  /**
   * A hash of no password at all (random salt and hash) that costs as much to check as a real one
   * of {@code iterations} rounds: checked for a user who does not exist. Nothing is derived here.
   */
  static PasswordHash decoy(int iterations) {
    SecureRandom random = new SecureRandom();
    byte[] salt = new byte[SALT_BYTES];
    byte[] hash = new byte[HASH_BYTES];
    random.nextBytes(salt);
    random.nextBytes(hash);
    return new PasswordHash(iterations, salt, hash);
  }

  /** The rounds of PBKDF2 a check of this hash costs. */
  int iterations() {
    return iterations;
  }

  /** Whether {@code password} is the one hashed; the hashes are compared in constant time. */
  public boolean matches(String password) {
    // PBKDF2 of the JDK refuses an empty password; no stored hash is of one
    return !password.isEmpty() && MessageDigest.isEqual(hash, derive(password, salt, iterations));
  }

  private static byte[] derive(String password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BYTES * 8);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has PBKDF2WithHmacSHA256", e);
    } finally {
      spec.clearPassword();
    }
  }

  /** SHA-256 of {@code s}, for comparisons in constant time. */
  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
