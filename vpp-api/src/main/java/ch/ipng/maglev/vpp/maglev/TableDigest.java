package ch.ipng.maglev.vpp.maglev;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A short, stable digest of a VIP's new-flow table, so two routers (or VPP and maglevd) can tell at
 * a glance whether a new flow lands on the same application server on both: the first 13 hex digits
 * (52 bits) of the SHA-256 over the table's buckets in order, each bucket as the 16-byte ip46 form
 * of its AS's address (IPv4 as 12 zero bytes and the 4 address bytes; a bucket without an AS, VPP's
 * "drop" placeholder, as 16 zero bytes). It names addresses, not VPP's AS pool indices, so routers
 * whose pools differ still compare equal; its 52 bits fit exactly in a Prometheus sample (a float64
 * holds integers up to 2^53), so the metric's value is the digest itself.
 */
public final class TableDigest {
  /** Hex digits of a digest. */
  public static final int HEX_DIGITS = 13;

  private static final byte[] NONE = new byte[16];
  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{" + HEX_DIGITS + "}");

  private TableDigest() {}

  /**
   * The digest of the table VPP builds from these servers ({@link MaglevTable#compute}).
   *
   * @param length the table length, a power of two
   */
  public static String of(int length, Collection<MaglevTable.Server> servers) {
    Map<Integer, byte[]> byIndex = new HashMap<>();
    for (MaglevTable.Server s : servers) {
      byIndex.put(s.index(), MaglevTable.ip46(s.address()));
    }
    return digest(MaglevTable.compute(length, servers), byIndex::get);
  }

  /**
   * The digest of a table given bucket by bucket.
   *
   * @param buckets bucket → AS index (0: no AS)
   * @param addressOf AS index → its address; null for 0 or an index without one (a bucket without
   *     an AS)
   */
  public static String ofBuckets(int[] buckets, IntFunction<@Nullable InetAddress> addressOf) {
    Objects.requireNonNull(buckets, "buckets");
    Map<Integer, byte[]> ip46 = new HashMap<>();
    return digest(
        buckets,
        index -> {
          InetAddress a = addressOf.apply(index);
          return a == null ? null : ip46.computeIfAbsent(index, i -> MaglevTable.ip46(a));
        });
  }

  /** The digest given each bucket's AS as its ip46 bytes (null: no AS), looked up once per AS. */
  private static String digest(int[] buckets, IntFunction<byte @Nullable []> ip46Of) {
    MessageDigest sha = sha256();
    for (int index : buckets) {
      byte[] a = index == 0 ? null : ip46Of.apply(index);
      sha.update(a == null ? NONE : a);
    }
    return HexFormat.of().formatHex(sha.digest()).substring(0, HEX_DIGITS);
  }

  /** The digest of any text (a canonical config): the same 13 hex digits of its SHA-256. */
  public static String ofText(String text) {
    return HexFormat.of()
        .formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)))
        .substring(0, HEX_DIGITS);
  }

  /**
   * A digest as a number, for a Prometheus gauge: exact, below 2^52.
   *
   * @throws IllegalArgumentException when {@code digest} is not 13 hex digits
   */
  public static long value(String digest) {
    if (!DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException(
          "digest: " + digest + " (expected: " + HEX_DIGITS + " lower-case hex digits)");
    }
    return Long.parseLong(digest, 16);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
