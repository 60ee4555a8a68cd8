package ch.ipng.maglev.cli.rpc;

import ch.ipng.maglev.common.testing.Property;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** HPACK decoding of arbitrary and mutated header blocks throws nothing but HpackException. */
class HpackPropertyTest {
  private static byte[] sample() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    Hpack.encode(b, ":status", "200");
    Hpack.encode(b, "content-type", "application/grpc");
    Hpack.encode(b, "grpc-status", "5");
    Hpack.encode(b, "grpc-message", "backend%20%22x%22%20not%20found");
    // an indexed field, a Huffman-coded literal with incremental indexing, a table size update
    b.write(0x88);
    b.writeBytes(
        new byte[] {0x40, (byte) 0x85, (byte) 0xf2, (byte) 0xb2, 0x4a, (byte) 0x87, (byte) 0xff});
    b.writeBytes(new byte[] {(byte) 0x82, (byte) 0x83, 0x3f, (byte) 0xe1, 0x1f});
    return b.toByteArray();
  }

  private static void decodeExpectingOnlyHpackException(Hpack h, byte[] block) {
    try {
      h.decode(block);
    } catch (HpackException e) {
      // the decoder's own refusal: fine
    }
  }

  @Test
  void decode_ofArbitraryBytes_throwsOnlyHpackException() {
    Property.forAll(
        "hpack-bytes",
        5_000,
        r -> Property.bytes(r, 64),
        block -> decodeExpectingOnlyHpackException(new Hpack(), block));
  }

  @Test
  void decode_ofMutatedBlocks_onOneConnection_throwsOnlyHpackException() {
    byte[] sample = sample();
    Hpack shared = new Hpack();
    Property.forAll(
        "hpack-mutated",
        5_000,
        r -> Property.mutate(r, sample),
        block -> {
          decodeExpectingOnlyHpackException(new Hpack(), block);
          decodeExpectingOnlyHpackException(shared, block); // the dynamic table carries over
        });
  }
}
