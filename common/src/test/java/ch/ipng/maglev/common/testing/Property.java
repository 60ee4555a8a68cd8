package ch.ipng.maglev.common.testing;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * A property check: a generator draws inputs from a seeded {@link Random}, a check must hold for
 * each. Seeds are fixed, so {@code make test} sees the same inputs every run and cannot flake;
 * {@code make fuzz} sets {@code maglev.fuzz.tries} (a multiplier) and {@code maglev.fuzz.seed} to
 * explore further. A failure names the property, the seed and the try, and shows the input, so it
 * can be replayed with {@code -Dmaglev.fuzz.seed=S}.
 */
public final class Property {
  /** A check that may throw anything; what it throws fails the property. */
  @FunctionalInterface
  public interface Check<T> {
    void accept(T input) throws Exception;
  }

  private Property() {}

  /** How many tries a property with {@code base} tries makes in this run. */
  public static int tries(int base) {
    String factor = System.getProperty("maglev.fuzz.tries", "1");
    try {
      return Math.max(1, Math.multiplyExact(base, Integer.parseInt(factor.trim())));
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "maglev.fuzz.tries: expected a positive whole multiplier, got '" + factor + "'", e);
    }
  }

  /** Checks {@code check} on {@code tries(base)} inputs drawn by {@code generator}. */
  public static <T> void forAll(
      String name, int base, Function<Random, T> generator, Check<? super T> check) {
    long seed = seed(name);
    Random random = new Random(seed);
    int tries = tries(base);
    for (int i = 0; i < tries; i++) {
      T input = generator.apply(random);
      try {
        check.accept(input);
      } catch (Exception | Error e) {
        throw new AssertionError(
            name + " failed at try " + i + " of seed " + seed + " on input " + describe(input), e);
      }
    }
  }

  private static long seed(String name) {
    String given = System.getProperty("maglev.fuzz.seed");
    if (given == null || given.isBlank()) {
      return name.hashCode();
    }
    return Long.parseLong(given.trim()) ^ name.hashCode();
  }

  private static String describe(Object input) {
    String text =
        input instanceof byte[] bytes
            ? "bytes " + HexFormat.of().formatHex(bytes)
            : String.valueOf(input).replace("\n", "\\n");
    return text.length() <= 2_000 ? text : text.substring(0, 2_000) + "… (" + text.length() + ")";
  }

  /** Up to {@code maxLength} random bytes. */
  public static byte[] bytes(Random random, int maxLength) {
    byte[] out = new byte[random.nextInt(maxLength + 1)];
    random.nextBytes(out);
    return out;
  }

  /**
   * A valid sample, mutated: truncated, bytes flipped, a run inserted or deleted, or a 4-byte field
   * set to an extreme. Finds more than random bytes do, because most of it still parses.
   */
  public static byte[] mutate(Random random, byte[] sample) {
    byte[] out = sample.clone();
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      switch (random.nextInt(5)) {
        case 0 ->
            out = java.util.Arrays.copyOf(out, out.length == 0 ? 0 : random.nextInt(out.length));
        case 1 -> {
          if (out.length > 0) {
            out[random.nextInt(out.length)] = (byte) random.nextInt(256);
          }
        }
        case 2 -> {
          int at = random.nextInt(out.length + 1);
          byte[] run = bytes(random, 16);
          byte[] grown = new byte[out.length + run.length];
          System.arraycopy(out, 0, grown, 0, at);
          System.arraycopy(run, 0, grown, at, run.length);
          System.arraycopy(out, at, grown, at + run.length, out.length - at);
          out = grown;
        }
        case 3 -> {
          if (out.length > 1) {
            int at = random.nextInt(out.length);
            int len = Math.min(out.length - at, 1 + random.nextInt(8));
            byte[] shrunk = new byte[out.length - len];
            System.arraycopy(out, 0, shrunk, 0, at);
            System.arraycopy(out, at + len, shrunk, at, out.length - at - len);
            out = shrunk;
          }
        }
        default -> {
          if (out.length >= 4) {
            int at = random.nextInt(out.length - 3);
            int value =
                List.of(0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 24)
                    .get(random.nextInt(5));
            out[at] = (byte) (value >>> 24);
            out[at + 1] = (byte) (value >>> 16);
            out[at + 2] = (byte) (value >>> 8);
            out[at + 3] = (byte) value;
          }
        }
      }
    }
    return out;
  }

  /** A valid text sample, mutated as {@link #mutate} does, read back as UTF-8. */
  public static String mutate(Random random, String sample) {
    return new String(
        mutate(random, sample.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  /** Text of up to {@code maxLength} characters drawn from {@code alphabet}. */
  public static String text(Random random, String alphabet, int maxLength) {
    int length = random.nextInt(maxLength + 1);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }
}
