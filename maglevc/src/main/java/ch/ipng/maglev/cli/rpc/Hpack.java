package ch.ipng.maglev.cli.rpc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * HPACK (RFC 7541) for one connection: a full decoder (static and dynamic table, Huffman) for what
 * the server sends, and a literal-only encoder for what maglevc sends, which keeps the server's
 * decoder table empty.
 */
final class Hpack {
  /** One decoded header field. */
  record Field(String name, String value) {
    int size() {
      // RFC 7541 4.1: octets of name and value plus 32 (one char per octet, see Reader.string).
      return name.length() + value.length() + 32;
    }
  }

  /** RFC 7541 Appendix A; index 1 is the first entry. */
  private static final Field[] STATIC_TABLE = {
    new Field(":authority", ""),
    new Field(":method", "GET"),
    new Field(":method", "POST"),
    new Field(":path", "/"),
    new Field(":path", "/index.html"),
    new Field(":scheme", "http"),
    new Field(":scheme", "https"),
    new Field(":status", "200"),
    new Field(":status", "204"),
    new Field(":status", "206"),
    new Field(":status", "304"),
    new Field(":status", "400"),
    new Field(":status", "404"),
    new Field(":status", "500"),
    new Field("accept-charset", ""),
    new Field("accept-encoding", "gzip, deflate"),
    new Field("accept-language", ""),
    new Field("accept-ranges", ""),
    new Field("accept", ""),
    new Field("access-control-allow-origin", ""),
    new Field("age", ""),
    new Field("allow", ""),
    new Field("authorization", ""),
    new Field("cache-control", ""),
    new Field("content-disposition", ""),
    new Field("content-encoding", ""),
    new Field("content-language", ""),
    new Field("content-length", ""),
    new Field("content-location", ""),
    new Field("content-range", ""),
    new Field("content-type", ""),
    new Field("cookie", ""),
    new Field("date", ""),
    new Field("etag", ""),
    new Field("expect", ""),
    new Field("expires", ""),
    new Field("from", ""),
    new Field("host", ""),
    new Field("if-match", ""),
    new Field("if-modified-since", ""),
    new Field("if-none-match", ""),
    new Field("if-range", ""),
    new Field("if-unmodified-since", ""),
    new Field("last-modified", ""),
    new Field("link", ""),
    new Field("location", ""),
    new Field("max-forwards", ""),
    new Field("proxy-authenticate", ""),
    new Field("proxy-authorization", ""),
    new Field("range", ""),
    new Field("referer", ""),
    new Field("refresh", ""),
    new Field("retry-after", ""),
    new Field("server", ""),
    new Field("set-cookie", ""),
    new Field("strict-transport-security", ""),
    new Field("transfer-encoding", ""),
    new Field("user-agent", ""),
    new Field("vary", ""),
    new Field("via", ""),
    new Field("www-authenticate", ""),
  };

  /** The table size maglevc allows (HTTP/2's default SETTINGS_HEADER_TABLE_SIZE). */
  static final int MAX_TABLE_SIZE = 4096;

  /** Newest entry first, as HPACK indexes them. */
  private final ArrayDeque<Field> dynamic = new ArrayDeque<>();

  private int dynamicSize;
  private int dynamicCapacity = MAX_TABLE_SIZE;

  /** Decodes one complete header block. */
  List<Field> decode(byte[] block) throws HpackException {
    List<Field> out = new ArrayList<>();
    Reader r = new Reader(block);
    boolean fieldsSeen = false;
    while (r.more()) {
      int b = r.peek();
      if ((b & 0x80) != 0) {
        out.add(entry(r.integer(7)));
        fieldsSeen = true;
      } else if ((b & 0xc0) == 0x40) {
        Field f = literal(r, 6);
        add(f);
        out.add(f);
        fieldsSeen = true;
      } else if ((b & 0xe0) == 0x20) {
        // RFC 7541 4.2: size updates come first in a block.
        if (fieldsSeen) {
          throw new HpackException("table size update after a header field");
        }
        int size = r.integer(5);
        if (size > MAX_TABLE_SIZE) {
          throw new HpackException("table size " + size + " above the allowed " + MAX_TABLE_SIZE);
        }
        dynamicCapacity = size;
        evict(0);
      } else {
        // 0000xxxx without indexing, 0001xxxx never indexed: the same to a decoder.
        out.add(literal(r, 4));
        fieldsSeen = true;
      }
    }
    return out;
  }

  private Field entry(int index) throws HpackException {
    if (index <= 0) {
      throw new HpackException("header index 0");
    }
    if (index <= STATIC_TABLE.length) {
      return STATIC_TABLE[index - 1];
    }
    int d = index - STATIC_TABLE.length - 1;
    if (d >= dynamic.size()) {
      throw new HpackException("header index " + index + " beyond the table");
    }
    int i = 0;
    for (Field f : dynamic) {
      if (i++ == d) {
        return f;
      }
    }
    throw new AssertionError("unreachable");
  }

  private Field literal(Reader r, int prefix) throws HpackException {
    int index = r.integer(prefix);
    String name = index == 0 ? r.string() : entry(index).name();
    return new Field(name, r.string());
  }

  private void add(Field f) {
    int size = f.size();
    if (size > dynamicCapacity) {
      // RFC 7541 4.4: an entry larger than the table empties it and is not added.
      dynamic.clear();
      dynamicSize = 0;
      return;
    }
    evict(size);
    dynamic.addFirst(f);
    dynamicSize += size;
  }

  private void evict(int room) {
    while (dynamicSize + room > dynamicCapacity && !dynamic.isEmpty()) {
      dynamicSize -= dynamic.removeLast().size();
    }
  }

  /** Appends a literal field without indexing and without Huffman coding. */
  static void encode(ByteArrayOutputStream out, String name, String value) {
    out.write(0);
    string(out, name);
    string(out, value);
  }

  private static void string(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    integer(out, 0, 7, b.length);
    out.write(b, 0, b.length);
  }

  /** RFC 7541 5.1: an integer with an N-bit prefix, {@code flags} in the bits above it. */
  static void integer(ByteArrayOutputStream out, int flags, int prefix, int value) {
    int max = (1 << prefix) - 1;
    if (value < max) {
      out.write(flags | value);
      return;
    }
    out.write(flags | max);
    value -= max;
    while (value >= 0x80) {
      out.write((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }

  /** Reads integers and strings from a header block. */
  private static final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf) {
      this.buf = buf;
    }

    boolean more() {
      return pos < buf.length;
    }

    int peek() throws HpackException {
      if (pos >= buf.length) {
        throw new HpackException("header block ends inside a field");
      }
      return buf[pos] & 0xff;
    }

    private int next() throws HpackException {
      if (pos >= buf.length) {
        throw new HpackException("header block ends inside a field");
      }
      return buf[pos++] & 0xff;
    }

    int integer(int prefix) throws HpackException {
      int max = (1 << prefix) - 1;
      int value = next() & max;
      if (value < max) {
        return value;
      }
      for (int shift = 0; ; shift += 7) {
        int b = next();
        if (shift > 21) {
          throw new HpackException("integer too large");
        }
        value += (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
    }

    String string() throws HpackException {
      boolean huffman = (peek() & 0x80) != 0;
      int len = integer(7);
      if (len > buf.length - pos) {
        throw new HpackException("string of " + len + " bytes beyond the header block");
      }
      byte[] b =
          huffman
              ? Huffman.decode(buf, pos, len)
              : java.util.Arrays.copyOfRange(buf, pos, pos + len);
      pos += len;
      // Header bytes are octets; ISO-8859-1 keeps them one char per byte (grpc-message is
      // percent-encoded UTF-8, decoded later).
      return new String(b, StandardCharsets.ISO_8859_1);
    }
  }
}
