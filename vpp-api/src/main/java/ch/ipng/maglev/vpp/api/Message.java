package ch.ipng.maglev.vpp.api;

import java.nio.ByteBuffer;

/**
 * A VPP API message without its header fields: the message id, client_index and context are written
 * by the codec from the connection's state, not stored in the message.
 */
public interface Message {
  MessageType<?> messageType();

  /** Bytes after the header fields. */
  int bodySize();

  /** Writes the fields after the header, big-endian. */
  void encodeBody(ByteBuffer buf);
}
