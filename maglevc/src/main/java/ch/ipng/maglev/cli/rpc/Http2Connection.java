package ch.ipng.maglev.cli.rpc;

import static ch.ipng.maglev.cli.rpc.Frames.CONTINUATION;
import static ch.ipng.maglev.cli.rpc.Frames.DATA;
import static ch.ipng.maglev.cli.rpc.Frames.DEFAULT_WINDOW;
import static ch.ipng.maglev.cli.rpc.Frames.FLAG_ACK;
import static ch.ipng.maglev.cli.rpc.Frames.FLAG_END_HEADERS;
import static ch.ipng.maglev.cli.rpc.Frames.FLAG_END_STREAM;
import static ch.ipng.maglev.cli.rpc.Frames.FLAG_PADDED;
import static ch.ipng.maglev.cli.rpc.Frames.FLAG_PRIORITY;
import static ch.ipng.maglev.cli.rpc.Frames.GOAWAY;
import static ch.ipng.maglev.cli.rpc.Frames.HEADERS;
import static ch.ipng.maglev.cli.rpc.Frames.MAX_FRAME;
import static ch.ipng.maglev.cli.rpc.Frames.PING;
import static ch.ipng.maglev.cli.rpc.Frames.PUSH_PROMISE;
import static ch.ipng.maglev.cli.rpc.Frames.RST_STREAM;
import static ch.ipng.maglev.cli.rpc.Frames.SETTINGS;
import static ch.ipng.maglev.cli.rpc.Frames.SETTINGS_ENABLE_PUSH;
import static ch.ipng.maglev.cli.rpc.Frames.SETTINGS_INITIAL_WINDOW_SIZE;
import static ch.ipng.maglev.cli.rpc.Frames.SETTINGS_MAX_FRAME_SIZE;
import static ch.ipng.maglev.cli.rpc.Frames.WINDOW_UPDATE;
import static ch.ipng.maglev.cli.rpc.Frames.getInt;
import static ch.ipng.maglev.cli.rpc.Frames.padding;
import static ch.ipng.maglev.cli.rpc.Frames.putInt;
import static ch.ipng.maglev.cli.rpc.Frames.setting;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP/2 side of one socket, used by one thread at a time: the preface and SETTINGS, frames
 * read and answered (PING, SETTINGS, GOAWAY), flow control both ways and HPACK decoding. Frames are
 * read on behalf of one stream; those of other streams only keep the connection in step.
 */
final class Http2Connection {
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** How far the server may send ahead of us, per stream and for the connection. */
  private static final int RECEIVE_WINDOW = 4 << 20;

  /** The largest header block accepted (HEADERS and its CONTINUATIONs). */
  private static final int MAX_HEADER_BLOCK = 1 << 20;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final Hpack hpack = new Hpack();

  private int nextStreamId = 1;
  private int peerMaxFrame = MAX_FRAME;
  private int peerInitialWindow = DEFAULT_WINDOW;
  private long connectionSendWindow = DEFAULT_WINDOW;
  private long connectionUnacked;
  private boolean settingsSeen;
  private @Nullable String unusable;

  private Http2Connection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 32_768));
    this.out = new BufferedOutputStream(socket.getOutputStream(), 16_384);
  }

  /** Starts HTTP/2 on a connected socket; what it writes goes out with the first call's flush. */
  static Http2Connection open(Socket socket) throws IOException {
    Http2Connection c = new Http2Connection(socket);
    c.out.write(PREFACE);
    byte[] settings = new byte[12];
    setting(settings, 0, SETTINGS_ENABLE_PUSH, 0);
    setting(settings, 6, SETTINGS_INITIAL_WINDOW_SIZE, RECEIVE_WINDOW);
    c.writeFrame(SETTINGS, 0, 0, settings, 0, settings.length);
    c.windowUpdate(0, RECEIVE_WINDOW - DEFAULT_WINDOW);
    return c;
  }

  /** Whether the server's SETTINGS (its side of the connection preface) arrived. */
  synchronized boolean settingsSeen() {
    return settingsSeen;
  }

  /** Whether a new stream may start here (no GOAWAY, no broken frame stream, not closed). */
  synchronized boolean usable() {
    return unusable == null && !socket.isClosed();
  }

  /** Why no new stream may start here, or null while one may. */
  synchronized @Nullable String unusable() {
    return unusable;
  }

  /** No new stream starts here from now on; the first reason given is kept. */
  synchronized void markUnusable(@Nullable String why) {
    if (unusable == null) {
      unusable = why == null ? "connection unusable" : why;
    }
  }

  /** Closes the socket; safe from any thread, and a read or write in progress fails. */
  void close() {
    closeQuietly(socket);
  }

  /** Bounds the next reads; 0 waits for ever. */
  void readTimeout(int millis) throws SocketException {
    socket.setSoTimeout(millis);
  }

  /** A new client stream, with the send window the server's settings give it. */
  Http2Stream newStream() {
    Http2Stream s = new Http2Stream(nextStreamId, peerInitialWindow);
    nextStreamId += 2;
    return s;
  }

  void writeHeaders(Http2Stream s, byte[] block) throws IOException {
    // Our header block is small; one frame carries it.
    writeFrame(HEADERS, FLAG_END_HEADERS, s.id, block, 0, block.length);
  }

  /** How many DATA bytes {@code s} may send in its next frame; 0 or less until a WINDOW_UPDATE. */
  int sendRoom(Http2Stream s) {
    return (int) Math.min(Math.min(s.sendWindow, connectionSendWindow), peerMaxFrame);
  }

  /** Sends {@code len} bytes within {@link #sendRoom}, {@code last} ending the stream. */
  void writeData(Http2Stream s, byte[] b, int off, int len, boolean last) throws IOException {
    writeFrame(DATA, last ? FLAG_END_STREAM : 0, s.id, b, off, len);
    s.sendWindow -= len;
    connectionSendWindow -= len;
  }

  void flush() throws IOException {
    out.flush();
  }

  /** Reads and handles one frame for {@code call}'s sake. */
  void readFrame(Http2Stream call) throws IOException, HpackException {
    int len = in.readUnsignedByte() << 16 | in.readUnsignedShort();
    int type = in.readUnsignedByte();
    int flags = in.readUnsignedByte();
    int stream = in.readInt() & 0x7fff_ffff;
    if (!settingsSeen && (type != SETTINGS || len > MAX_FRAME)) {
      // "HTTP/1.1 400..." read as a frame header: an HTTP/1 server, or not HTTP at all.
      throw new ProtocolException("the server does not speak gRPC (no HTTP/2 settings)");
    }
    if (len > MAX_FRAME) {
      throw new ProtocolException("frame of " + len + " bytes above the allowed " + MAX_FRAME);
    }
    byte[] payload = new byte[len];
    in.readFully(payload);
    switch (type) {
      case DATA -> onData(call, flags, stream, payload);
      case HEADERS -> onHeaders(call, flags, stream, payload);
      case RST_STREAM -> {
        if (stream == call.id && len >= 4) {
          call.resetCode = getInt(payload, 0);
          call.ended = true;
        }
      }
      case SETTINGS -> onSettings(call, flags, payload);
      case PING -> {
        if ((flags & FLAG_ACK) == 0) {
          writeFrame(PING, FLAG_ACK, 0, payload, 0, payload.length);
          out.flush();
        }
      }
      case GOAWAY -> {
        int lastStream = getInt(payload, 0) & 0x7fff_ffff;
        markUnusable("the server is going away");
        if (call.id > lastStream) {
          call.resetCode = Frames.REFUSED_STREAM; // never processed, safe to say UNAVAILABLE
          call.ended = true;
        }
      }
      case WINDOW_UPDATE -> {
        int increment = getInt(payload, 0) & 0x7fff_ffff;
        if (stream == 0) {
          connectionSendWindow += increment;
        } else if (stream == call.id) {
          call.sendWindow += increment;
        }
      }
      case PUSH_PROMISE -> throw new ProtocolException("server push, which maglevc disabled");
      case CONTINUATION -> throw new ProtocolException("CONTINUATION without HEADERS");
      default -> {
        // PRIORITY and unknown frame types are ignored (RFC 9113 5.5).
      }
    }
  }

  private void onData(Http2Stream call, int flags, int stream, byte[] payload) throws IOException {
    int from = 0;
    int to = payload.length;
    if ((flags & FLAG_PADDED) != 0) {
      to -= padding(payload);
      from = 1;
    }
    // Flow control counts the whole frame, padding included.
    connectionUnacked += payload.length;
    if (connectionUnacked >= RECEIVE_WINDOW / 2) {
      windowUpdate(0, (int) connectionUnacked);
      connectionUnacked = 0;
      out.flush();
    }
    if (stream != call.id) {
      return;
    }
    call.unacked += payload.length;
    if ((flags & FLAG_END_STREAM) != 0) {
      call.ended = true;
    } else if (call.unacked >= RECEIVE_WINDOW / 2) {
      windowUpdate(call.id, (int) call.unacked);
      call.unacked = 0;
      out.flush();
    }
    call.append(payload, from, to);
  }

  private void onHeaders(Http2Stream call, int flags, int stream, byte[] payload)
      throws IOException, HpackException {
    int from = 0;
    int to = payload.length;
    if ((flags & FLAG_PADDED) != 0) {
      to -= padding(payload);
      from = 1;
    }
    if ((flags & FLAG_PRIORITY) != 0) {
      from += 5;
    }
    if (from > to) {
      throw new ProtocolException("a HEADERS frame shorter than its padding");
    }
    ByteArrayOutputStream block = new ByteArrayOutputStream(to - from);
    block.write(payload, from, to - from);
    if ((flags & FLAG_END_HEADERS) == 0) {
      readContinuations(stream, block);
    }
    // Every block goes through the decoder, whatever its stream, to keep the table in step.
    List<Hpack.Field> fields = hpack.decode(block.toByteArray());
    if (stream != call.id) {
      return;
    }
    if (call.headers == null) {
      call.headers = fields;
      if ((flags & FLAG_END_STREAM) != 0) {
        call.trailers = fields; // trailers-only: an error before any message
      }
    } else {
      call.trailers = fields;
    }
    if ((flags & FLAG_END_STREAM) != 0) {
      call.ended = true;
    }
  }

  /** Reads CONTINUATION frames into {@code block} up to the one with END_HEADERS. */
  private void readContinuations(int stream, ByteArrayOutputStream block) throws IOException {
    int f;
    do {
      int len = in.readUnsignedByte() << 16 | in.readUnsignedShort();
      int type = in.readUnsignedByte();
      f = in.readUnsignedByte();
      int s = in.readInt() & 0x7fff_ffff;
      if (type != CONTINUATION || s != stream || len > MAX_FRAME) {
        throw new ProtocolException("a header block interrupted by frame type " + type);
      }
      byte[] more = new byte[len];
      in.readFully(more);
      block.write(more);
      if (block.size() > MAX_HEADER_BLOCK) {
        throw new ProtocolException("a header block over " + MAX_HEADER_BLOCK + " bytes");
      }
    } while ((f & FLAG_END_HEADERS) == 0);
  }

  private void onSettings(Http2Stream call, int flags, byte[] payload) throws IOException {
    if ((flags & FLAG_ACK) != 0) {
      return;
    }
    if (payload.length % 6 != 0) {
      throw new ProtocolException("a SETTINGS frame of " + payload.length + " bytes");
    }
    settingsSeen = true;
    for (int i = 0; i < payload.length; i += 6) {
      int id = (payload[i] & 0xff) << 8 | (payload[i + 1] & 0xff);
      int value = getInt(payload, i + 2);
      if (id == SETTINGS_INITIAL_WINDOW_SIZE) {
        call.sendWindow += (long) value - peerInitialWindow;
        peerInitialWindow = value;
      } else if (id == SETTINGS_MAX_FRAME_SIZE) {
        peerMaxFrame = Math.max(MAX_FRAME, Math.min(value, 1 << 24));
      }
    }
    writeFrame(SETTINGS, FLAG_ACK, 0, new byte[0], 0, 0);
    out.flush();
  }

  private void windowUpdate(int stream, int increment) throws IOException {
    byte[] b = new byte[4];
    putInt(b, 0, increment);
    writeFrame(WINDOW_UPDATE, 0, stream, b, 0, 4);
  }

  private void writeFrame(int type, int flags, int stream, byte[] payload, int off, int len)
      throws IOException {
    byte[] h = new byte[9];
    h[0] = (byte) (len >>> 16);
    h[1] = (byte) (len >>> 8);
    h[2] = (byte) len;
    h[3] = (byte) type;
    h[4] = (byte) flags;
    putInt(h, 5, stream);
    out.write(h);
    out.write(payload, off, len);
  }

  static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing: nothing left to do with it
    }
  }
}
