package ch.ipng.maglev.vpp.api;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.function.Function;

/**
 * What is known about one message before any connection exists: its name and CRC (together the key
 * VPP's message table uses), which header fields precede its body, and how to decode it.
 */
public final class MessageType<T extends Message> {

  /** The header fields after the u16 message id, in wire order. */
  public enum Header {
    NONE(0),
    CLIENT(4),
    CONTEXT(4),
    CLIENT_CONTEXT(8);

    private final int size;

    Header(int size) {
      this.size = size;
    }

    /** Bytes of the header including the u16 message id. */
    public int size() {
      return 2 + size;
    }
  }

  private final String name;
  private final int crc;
  private final String module;
  private final Header header;
  private final int minBodySize;
  private final Function<ByteBuffer, T> decoder;
  private final String nameCrc;

  private MessageType(
      String name,
      int crc,
      String module,
      Header header,
      int minBodySize,
      Function<ByteBuffer, T> decoder) {
    this.name = name;
    this.crc = crc;
    this.module = module;
    this.header = header;
    this.minBodySize = minBodySize;
    this.decoder = decoder;
    this.nameCrc = name + "_" + String.format(Locale.ROOT, "%08x", crc);
  }

  public static <T extends Message> MessageType<T> of(
      String name,
      int crc,
      String module,
      Header header,
      int minBodySize,
      Function<ByteBuffer, T> decoder) {
    return new MessageType<>(name, crc, module, header, minBodySize, decoder);
  }

  public String name() {
    return name;
  }

  public int crc() {
    return crc;
  }

  /** The key of VPP's message table, e.g. {@code lb_conf_56cd3261}. */
  public String nameCrc() {
    return nameCrc;
  }

  /** The .api file this message comes from, e.g. {@code lb}. */
  public String module() {
    return module;
  }

  public Header header() {
    return header;
  }

  /** Bytes of header and body when every variable part is empty: shorter messages are invalid. */
  public int minSize() {
    return header.size() + minBodySize;
  }

  /** True for {@code *_details} messages, which answer dumps. */
  public boolean isDetails() {
    return name.endsWith("_details");
  }

  /** Decodes the body (the buffer positioned after the header fields). */
  public T decodeBody(ByteBuffer body) {
    return decoder.apply(body);
  }

  @Override
  public String toString() {
    return nameCrc;
  }
}
