package ch.ipng.maglev.cli.rpc;

import java.io.ByteArrayOutputStream;

/**
 * HPACK's static Huffman code (RFC 7541 Appendix B), decode side only: maglevc sends its few
 * headers as plain literals. The code is canonical, so the 257 code lengths define it.
 */
final class Huffman {
  /** Code length in bits of each symbol 0..255 and of EOS (256), from RFC 7541 Appendix B. */
  private static final byte[] LENGTHS = {
    13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28,
    28, 28, 28, 28, 28, 28, 28, 28, 6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5,
    6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, 13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
    7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, 15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
    6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, 20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23,
    23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, 22, 21, 20,
    22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22,
    22, 23, 22, 22, 23, 26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26,
    27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, 20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25,
    25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, 30
  };

  private static final int EOS = 256;
  private static final int MAX_LENGTH = 30;

  /** Symbols sorted by (length, symbol): the canonical order. */
  private static final int[] SORTED = new int[LENGTHS.length];

  /** Per length: the first code of that length, and where its symbols start in SORTED. */
  private static final int[] FIRST_CODE = new int[MAX_LENGTH + 2];

  private static final int[] FIRST_INDEX = new int[MAX_LENGTH + 2];
  private static final int[] COUNT = new int[MAX_LENGTH + 2];

  static {
    for (byte len : LENGTHS) {
      COUNT[len]++;
    }
    int code = 0;
    int index = 0;
    for (int len = 1; len <= MAX_LENGTH; len++) {
      FIRST_CODE[len] = code;
      FIRST_INDEX[len] = index;
      for (int sym = 0; sym < LENGTHS.length; sym++) {
        if (LENGTHS[sym] == len) {
          SORTED[index++] = sym;
        }
      }
      code = (code + COUNT[len]) << 1;
    }
  }

  private Huffman() {}

  /** The code of {@code symbol} (0..256), right-aligned; for tests. */
  static int code(int symbol) {
    int len = LENGTHS[symbol];
    int rank = 0;
    for (int i = FIRST_INDEX[len]; SORTED[i] != symbol; i++) {
      rank++;
    }
    return FIRST_CODE[len] + rank;
  }

  /** The code length of {@code symbol} in bits; for tests. */
  static int length(int symbol) {
    return LENGTHS[symbol];
  }

  /** Decodes {@code len} bytes at {@code off}; rejects EOS and padding that is not all ones. */
  static byte[] decode(byte[] buf, int off, int len) throws HpackException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(len * 8 / 5 + 1);
    int code = 0;
    int bits = 0;
    for (int i = off; i < off + len; i++) {
      for (int b = 7; b >= 0; b--) {
        code = (code << 1) | ((buf[i] >> b) & 1);
        bits++;
        int rank = code - FIRST_CODE[bits];
        if (rank >= 0 && rank < COUNT[bits]) {
          int sym = SORTED[FIRST_INDEX[bits] + rank];
          if (sym == EOS) {
            throw new HpackException("Huffman string contains EOS");
          }
          out.write(sym);
          code = 0;
          bits = 0;
        } else if (bits == MAX_LENGTH) {
          throw new HpackException("invalid Huffman code");
        }
      }
    }
    // What is left must be a prefix of EOS (all ones), at most 7 bits long.
    if (bits > 7 || code != (1 << bits) - 1) {
      throw new HpackException("invalid Huffman padding");
    }
    return out.toByteArray();
  }
}
