package ch.ipng.maglev.vpp.maglev;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.common.testing.Property;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** FlowHash against a second, byte-wise reading of vpp-protocol.md §4.2a, on random flows. */
class FlowHashPropertyTest {
  record Tuple(InetAddress src, int sport, InetAddress dst, int dport, int protocol) {}

  static Tuple tuple(Random r, boolean ip6) {
    byte[] s = new byte[ip6 ? 16 : 4];
    byte[] d = new byte[ip6 ? 16 : 4];
    r.nextBytes(s);
    r.nextBytes(d);
    int[] protocols = {FlowHash.TCP, FlowHash.UDP, 1, 47, 58};
    try {
      return new Tuple(
          InetAddress.getByAddress(s),
          r.nextInt(65536),
          InetAddress.getByAddress(d),
          r.nextInt(65536),
          protocols[r.nextInt(protocols.length)]);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The spec's other wording: CRC32C from 0 without final inversion, bit by bit, over 40 bytes: the
   * source and destination addresses in wire order, then the destination and source ports in wire
   * order (for TCP and UDP without src-ip-sticky), zeros to 40 bytes; IPv4 puts the ports at byte
   * 8, IPv6 at byte 32.
   */
  static int reference(Tuple t, boolean sticky) {
    byte[] in = new byte[40];
    byte[] s = t.src().getAddress();
    byte[] d = t.dst().getAddress();
    System.arraycopy(s, 0, in, 0, s.length);
    System.arraycopy(d, 0, in, s.length, d.length);
    if (!sticky && (t.protocol() == FlowHash.TCP || t.protocol() == FlowHash.UDP)) {
      int at = 2 * s.length;
      in[at] = (byte) (t.dport() >>> 8);
      in[at + 1] = (byte) t.dport();
      in[at + 2] = (byte) (t.sport() >>> 8);
      in[at + 3] = (byte) t.sport();
    }
    int crc = 0;
    for (byte b : in) {
      crc ^= b & 0xff;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
      }
    }
    return crc;
  }

  @Test
  void ipv4_equalsTheByteWiseDefinition() {
    Property.forAll(
        "flow hash ipv4",
        3000,
        r -> tuple(r, false),
        t -> {
          for (boolean sticky : new boolean[] {false, true}) {
            assertThat(FlowHash.hash(t.src(), t.sport(), t.dst(), t.dport(), t.protocol(), sticky))
                .isEqualTo(reference(t, sticky));
          }
        });
  }

  @Test
  void ipv6_equalsTheByteWiseDefinition() {
    Property.forAll(
        "flow hash ipv6",
        3000,
        r -> tuple(r, true),
        t -> {
          for (boolean sticky : new boolean[] {false, true}) {
            assertThat(FlowHash.hash(t.src(), t.sport(), t.dst(), t.dport(), t.protocol(), sticky))
                .isEqualTo(reference(t, sticky));
          }
        });
  }

  record Sized(Tuple tuple, int otherPort, int length) {}

  @Test
  void stickyIgnoresPorts_andTheBucketIsInTheTable() {
    Property.forAll(
        "flow hash sticky and bucket",
        3000,
        r -> new Sized(tuple(r, r.nextBoolean()), r.nextInt(65536), 1 << r.nextInt(17)),
        in -> {
          Tuple t = in.tuple();
          int h = FlowHash.hash(t.src(), t.sport(), t.dst(), t.dport(), FlowHash.TCP, true);
          assertThat(FlowHash.hash(t.src(), in.otherPort(), t.dst(), 0, FlowHash.TCP, true))
              .isEqualTo(h);
          assertThat(FlowHash.bucket(h, in.length())).isBetween(0, in.length() - 1);
        });
  }
}
