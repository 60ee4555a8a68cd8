package ch.ipng.maglev.cli.rpc;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One call's HTTP/2 stream: how much it may still send, and what it has received so far, its DATA
 * cut into gRPC's length-prefixed messages. {@link Http2Connection} fills it in as frames arrive.
 */
final class Http2Stream {
  /** The largest response message accepted. */
  private static final int MAX_MESSAGE = 64 << 20;

  final int id;

  /** How many DATA bytes the server lets this stream send now. */
  long sendWindow;

  /** DATA bytes received since the last WINDOW_UPDATE for this stream. */
  long unacked;

  @Nullable List<Hpack.Field> headers;
  @Nullable List<Hpack.Field> trailers;
  boolean ended;

  /** The server's RST_STREAM error code, or -1. */
  int resetCode = -1;

  private final ArrayDeque<byte[]> messages = new ArrayDeque<>();
  private byte[] partial = new byte[1024];
  private int partialLength;

  Http2Stream(int id, long sendWindow) {
    this.id = id;
    this.sendWindow = sendWindow;
  }

  /** The next whole message received, or null when none is waiting. */
  byte @Nullable [] poll() {
    return messages.poll();
  }

  boolean hasMessage() {
    return !messages.isEmpty();
  }

  /** Whether nothing of the answer has arrived: no headers and no message bytes. */
  boolean nothingReceived() {
    return headers == null && partialLength == 0 && messages.isEmpty();
  }

  /** Adds a DATA frame's bytes {@code [from, to)} and takes out the messages they complete. */
  void append(byte[] payload, int from, int to) throws ProtocolException {
    int n = to - from;
    if (partialLength + n > partial.length) {
      partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + n));
    }
    System.arraycopy(payload, from, partial, partialLength, n);
    partialLength += n;
    // gRPC's length-prefixed messages: a compression flag byte, a 4-byte length, the bytes.
    byte[] buf = partial;
    int pos = 0;
    while (partialLength - pos >= 5) {
      if (buf[pos] != 0) {
        throw new ProtocolException("a compressed message, which maglevc did not ask for");
      }
      int size = Frames.getInt(buf, pos + 1);
      if (size < 0 || size > MAX_MESSAGE) {
        throw new ProtocolException("a message of " + Integer.toUnsignedString(size) + " bytes");
      }
      if (partialLength - pos - 5 < size) {
        break;
      }
      messages.add(Arrays.copyOfRange(buf, pos + 5, pos + 5 + size));
      pos += 5 + size;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, partialLength - pos);
      partialLength -= pos;
    }
  }
}
