package ch.ipng.maglev.vpp.api;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * Frames and un-frames messages: the 16-byte socket header (bytes 8..11 the big-endian body length,
 * the rest ignored on read and zero on write), the u16 message id, the header fields the message
 * type declares, then the body.
 */
public final class Codec {
  /** Bytes of the socket frame header in front of every message. */
  public static final int FRAME_HEADER_SIZE = 16;

  /**
   * The longest body this client accepts from VPP: 16 MiB. VPP itself has no limit ("no maximum
   * size check beyond memory"); its largest message, {@code sockclnt_create_reply} with the whole
   * message table, is some 56 KiB with the lb plugin alone and a few hundred KiB with every plugin.
   * A longer claim is refused as a broken or hostile peer before anything is allocated for it.
   */
  public static final int MAX_BODY_LENGTH = 16 << 20;

  private Codec() {}

  /** A decoded message with the header fields it carried (0 where it has none). */
  public record Decoded(int messageId, int clientIndex, int context, Message message) {}

  /** The body (without the frame header): id, header fields, fields. */
  public static int bodySize(Message m) {
    return m.messageType().header().size() + m.bodySize();
  }

  /** Writes the message body (no frame header) at the buffer's position. */
  public static void encodeBody(
      ByteBuffer buf, Message m, int messageId, int clientIndex, int context) {
    buf.putShort((short) messageId);
    switch (m.messageType().header()) {
      case NONE -> {}
      case CLIENT -> buf.putInt(clientIndex);
      case CONTEXT -> buf.putInt(context);
      case CLIENT_CONTEXT -> {
        buf.putInt(clientIndex);
        buf.putInt(context);
      }
    }
    m.encodeBody(buf);
  }

  /** Writes the frame header and the body at the buffer's position. */
  public static void encodeFrame(
      ByteBuffer buf, Message m, int messageId, int clientIndex, int context) {
    buf.putLong(0);
    buf.putInt(bodySize(m));
    buf.putInt(0);
    encodeBody(buf, m, messageId, clientIndex, context);
  }

  /** A new buffer holding one frame, flipped for writing to a channel. */
  public static ByteBuffer frame(Message m, int messageId, int clientIndex, int context) {
    ByteBuffer buf = ByteBuffer.allocate(FRAME_HEADER_SIZE + bodySize(m));
    encodeFrame(buf, m, messageId, clientIndex, context);
    return buf.flip();
  }

  /** The message id of a body (position unchanged). */
  public static int messageId(ByteBuffer body) {
    return body.getShort(body.position()) & 0xffff;
  }

  /**
   * The body length a frame header announces, as the int it is stored in (an unsigned 32-bit number
   * on the wire: a claim of 2 GiB or more reads as negative); see {@link #checkedBodyLength}.
   */
  public static int bodyLength(ByteBuffer frameHeader) {
    return frameHeader.getInt(frameHeader.position() + 8);
  }

  /**
   * The body length a frame header announces, checked: at least the 2-byte message id and at most
   * {@link #MAX_BODY_LENGTH}.
   *
   * @throws VppException naming the length and the limit otherwise ({@link FrameTooLongException}
   *     for a frame over the limit)
   */
  public static int checkedBodyLength(ByteBuffer frameHeader) {
    long length = Integer.toUnsignedLong(bodyLength(frameHeader));
    if (length < 2) {
      throw new VppException(
          "VPP sent a frame of " + length + " bytes (expected: at least the 2-byte message id)");
    }
    if (length > MAX_BODY_LENGTH) {
      throw new FrameTooLongException(length);
    }
    return (int) length;
  }

  /**
   * Decodes a whole body of the given type. A body shorter than the type's definition is an error
   * naming the message; trailing bytes are ignored, as VPP ignores them.
   */
  public static Decoded decode(MessageType<?> type, ByteBuffer body) {
    ByteBuffer buf = body.slice();
    if (buf.remaining() < type.minSize()) {
      throw new VppException(
          type.name()
              + ": "
              + buf.remaining()
              + " bytes, shorter than the "
              + type.minSize()
              + " its definition needs");
    }
    try {
      int id = buf.getShort() & 0xffff;
      int clientIndex = 0;
      int context = 0;
      switch (type.header()) {
        case NONE -> {}
        case CLIENT -> clientIndex = buf.getInt();
        case CONTEXT -> context = buf.getInt();
        case CLIENT_CONTEXT -> {
          clientIndex = buf.getInt();
          context = buf.getInt();
        }
      }
      return new Decoded(id, clientIndex, context, type.decodeBody(buf));
    } catch (BufferUnderflowException e) {
      throw new VppException(
          type.name() + ": " + body.remaining() + " bytes, its variable parts run past the end", e);
    }
  }

  /** The context of a body of the given type without decoding it, or 0 when it has none. */
  public static int context(MessageType<?> type, ByteBuffer body) {
    int at = body.position() + 2;
    return switch (type.header()) {
      case NONE, CLIENT -> 0;
      case CONTEXT -> body.remaining() >= 6 ? body.getInt(at) : 0;
      case CLIENT_CONTEXT -> body.remaining() >= 10 ? body.getInt(at + 4) : 0;
    };
  }
}
