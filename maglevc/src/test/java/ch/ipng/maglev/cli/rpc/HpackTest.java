package ch.ipng.maglev.cli.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HPACK against RFC 7541's own examples (Appendix C) and its error cases. */
class HpackTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  /** The first request of C.3 and C.4, the same with and without Huffman coding. */
  private static final List<Hpack.Field> FIRST_REQUEST =
      fields(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com");

  private static List<Hpack.Field> fields(String... nameValues) {
    List<Hpack.Field> out = new java.util.ArrayList<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      out.add(new Hpack.Field(nameValues[i], nameValues[i + 1]));
    }
    return out;
  }

  @Test
  void huffmanCodes_matchNettysTable() throws Exception {
    // grpc-java's Netty carries RFC 7541 Appendix B as two arrays: compare all 257 codes.
    Class<?> util = Class.forName("io.grpc.netty.shaded.io.netty.handler.codec.http2.HpackUtil");
    Field codes = util.getDeclaredField("HUFFMAN_CODES");
    Field lengths = util.getDeclaredField("HUFFMAN_CODE_LENGTHS");
    codes.setAccessible(true);
    lengths.setAccessible(true);
    int[] c = (int[]) codes.get(null);
    byte[] l = (byte[]) lengths.get(null);
    assertThat(c).hasSize(257);
    for (int sym = 0; sym < 257; sym++) {
      assertThat(Huffman.length(sym)).as("length of %d", sym).isEqualTo(l[sym]);
      assertThat(Huffman.code(sym)).as("code of %d", sym).isEqualTo(c[sym]);
    }
  }

  @Test
  void c2_literalForms() throws Exception {
    // C.2.1 with indexing, C.2.2 without, C.2.3 never indexed, C.2.4 indexed field.
    Hpack h = new Hpack();
    assertThat(h.decode(hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572")))
        .isEqualTo(fields("custom-key", "custom-header"));
    assertThat(h.decode(hex("040c 2f73 616d 706c 652f 7061 7468")))
        .isEqualTo(fields(":path", "/sample/path"));
    assertThat(h.decode(hex("1008 7061 7373 776f 7264 0673 6563 7265 74")))
        .isEqualTo(fields("password", "secret"));
    assertThat(h.decode(hex("82"))).isEqualTo(fields(":method", "GET"));
    // C.2.1's entry went into the dynamic table at index 62.
    assertThat(h.decode(hex("be"))).isEqualTo(fields("custom-key", "custom-header"));
  }

  @Test
  void c3_requestsWithoutHuffman_shareTheDynamicTable() throws Exception {
    Hpack h = new Hpack();
    assertThat(h.decode(hex("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d")))
        .isEqualTo(FIRST_REQUEST);
    assertThat(h.decode(hex("8286 84be 5808 6e6f 2d63 6163 6865")))
        .isEqualTo(
            fields(
                ":method",
                "GET",
                ":scheme",
                "http",
                ":path",
                "/",
                ":authority",
                "www.example.com",
                "cache-control",
                "no-cache"));
    assertThat(
            h.decode(
                hex("8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65")))
        .isEqualTo(
            fields(
                ":method",
                "GET",
                ":scheme",
                "https",
                ":path",
                "/index.html",
                ":authority",
                "www.example.com",
                "custom-key",
                "custom-value"));
  }

  @Test
  void c4_requestsWithHuffman() throws Exception {
    Hpack h = new Hpack();
    assertThat(h.decode(hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff")))
        .isEqualTo(FIRST_REQUEST);
    assertThat(h.decode(hex("8286 84be 5886 a8eb 1064 9cbf")))
        .contains(new Hpack.Field("cache-control", "no-cache"));
    assertThat(h.decode(hex("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf")))
        .contains(new Hpack.Field("custom-key", "custom-value"));
  }

  @Test
  void sizeUpdate_evictsAndLimits() throws Exception {
    Hpack h = new Hpack();
    h.decode(hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));
    // A size update to 0 empties the table: index 62 is gone.
    assertThat(h.decode(hex("20"))).isEmpty();
    assertThatThrownBy(() -> h.decode(hex("be")))
        .isInstanceOf(HpackException.class)
        .hasMessageContaining("beyond the table");
    // Above what HTTP/2's default settings allow.
    assertThatThrownBy(() -> h.decode(hex("3fe2 1f")))
        .isInstanceOf(HpackException.class)
        .hasMessageContaining("above the allowed 4096");
    // An update after a field is not allowed.
    assertThatThrownBy(() -> new Hpack().decode(hex("8220")))
        .isInstanceOf(HpackException.class)
        .hasMessageContaining("after a header field");
  }

  @Test
  void malformedBlocks_areRejected() {
    assertThatThrownBy(() -> new Hpack().decode(hex("80")))
        .isInstanceOf(HpackException.class)
        .hasMessageContaining("index 0");
    assertThatThrownBy(() -> new Hpack().decode(hex("400a 6375")))
        .isInstanceOf(HpackException.class)
        .hasMessageContaining("beyond the header block");
    assertThatThrownBy(() -> new Hpack().decode(hex("7f")))
        .isInstanceOf(HpackException.class)
        .hasMessageContaining("ends inside a field");
    // Huffman padding of zeros, and a whole byte of padding, are errors.
    assertThatThrownBy(() -> new Hpack().decode(hex("0081 00 00")))
        .isInstanceOf(HpackException.class)
        .hasMessageContaining("Huffman");
    assertThatThrownBy(() -> Huffman.decode(hex("f1e3 c2e5 f23a 6ba0 ab90 f4ff ff"), 0, 13))
        .isInstanceOf(HpackException.class)
        .hasMessageContaining("padding");
  }

  @Test
  void encode_roundTripsThroughTheDecoder() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String longValue = "x".repeat(300);
    Hpack.encode(out, ":path", "/maglev.Maglev/ListBackends");
    Hpack.encode(out, "grpc-timeout", longValue);
    assertThat(new Hpack().decode(out.toByteArray()))
        .isEqualTo(fields(":path", "/maglev.Maglev/ListBackends", "grpc-timeout", longValue));
    assertThat(new String(out.toByteArray(), StandardCharsets.ISO_8859_1)).contains(longValue);
  }

  @Test
  void percentDecode_grpcMessage() {
    assertThat(GrpcChannel.percentDecode("backend %22caf%C3%A9%22 not found"))
        .isEqualTo("backend \"café\" not found");
    assertThat(GrpcChannel.percentDecode("100% sure %zz")).isEqualTo("100% sure %zz");
  }
}
