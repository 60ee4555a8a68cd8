package ch.ipng.maglev.vpp.maglev;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * The flow hash VPP's lb plugin (1.2.0, x86-64 and arm64 builds) takes of a packet to pick a new
 * flow's bucket in the VIP's new-flow table: the CPU's CRC32C (Castagnoli, reflected polynomial
 * 0x82F63B78) from 0 and without final inversion, over five little-endian 64-bit words. IPv4: the
 * source and destination addresses (wire order) as one word, then the ports word, then three zero
 * words; IPv6: the two addresses as four words, then the ports word. The ports word is the bytes
 * {@code dport[0] dport[1] sport[0] sport[1] 0 0 0 0} for TCP and UDP, and 0 for any other protocol
 * or when the VIP is src-ip-sticky. The bucket is {@code hash & (length - 1)}; its entry in {@link
 * MaglevTable#compute} is the application server of the flow.
 */
public final class FlowHash {
  /** IP protocol numbers whose ports enter the hash. */
  public static final int TCP = 6;

  public static final int UDP = 17;

  private static final int[] TABLE = table();

  private FlowHash() {}

  /**
   * The hash of one packet's flow.
   *
   * @param protocol the IP protocol number; only {@link #TCP} and {@link #UDP} hash ports
   * @param srcIpSticky the VIP's src-ip-sticky flag: addresses only
   * @throws IllegalArgumentException when a port is not 0–65535 or the addresses are of different
   *     families
   */
  public static int hash(
      InetAddress src,
      int srcPort,
      InetAddress dst,
      int dstPort,
      int protocol,
      boolean srcIpSticky) {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    checkPort("srcPort", srcPort);
    checkPort("dstPort", dstPort);
    boolean ip4 = src instanceof Inet4Address;
    if (ip4 != dst instanceof Inet4Address) {
      throw new IllegalArgumentException(
          "src "
              + src.getHostAddress()
              + ", dst "
              + dst.getHostAddress()
              + " (expected: both IPv4 or both IPv6)");
    }
    long ports =
        srcIpSticky || (protocol != TCP && protocol != UDP)
            ? 0
            : (long) Short.reverseBytes((short) srcPort) << 16
                | (Short.reverseBytes((short) dstPort) & 0xffffL);
    ports &= 0xffffffffL;
    byte[] s = src.getAddress();
    byte[] d = dst.getAddress();
    int h = 0;
    if (ip4) {
      byte[] pair = new byte[8];
      System.arraycopy(s, 0, pair, 0, 4);
      System.arraycopy(d, 0, pair, 4, 4);
      h = crc(h, MaglevTable.littleEndian(pair, 0));
      h = crc(h, ports);
      h = crc(h, 0);
      h = crc(h, 0);
      return crc(h, 0);
    }
    h = crc(h, MaglevTable.littleEndian(s, 0));
    h = crc(h, MaglevTable.littleEndian(s, 8));
    h = crc(h, MaglevTable.littleEndian(d, 0));
    h = crc(h, MaglevTable.littleEndian(d, 8));
    return crc(h, ports);
  }

  /**
   * The bucket a hash takes in a new-flow table of {@code length} buckets.
   *
   * @throws IllegalArgumentException when {@code length} is not a power of two
   */
  public static int bucket(int hash, int length) {
    if (length < 1 || Integer.bitCount(length) != 1) {
      throw new IllegalArgumentException("length: " + length + " (expected: a power of two)");
    }
    return hash & (length - 1);
  }

  /** One CRC32C step over the 8 little-endian bytes of {@code word}, as the crc32q instruction. */
  static int crc(int crc, long word) {
    int c = crc;
    for (int i = 0; i < 8; i++) {
      c = TABLE[(c ^ (int) (word >>> (8 * i))) & 0xff] ^ (c >>> 8);
    }
    return c;
  }

  private static void checkPort(String name, int port) {
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException(name + ": " + port + " (expected: 0-65535)");
    }
  }

  private static int[] table() {
    int[] t = new int[256];
    for (int i = 0; i < 256; i++) {
      int c = i;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
      }
      t[i] = c;
    }
    return t;
  }
}
