package ch.ipng.maglev.cli.rpc;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One cleartext HTTP/2 connection (prior knowledge) carrying gRPC calls one after another, read and
 * written by the calling thread. grpc-java's channel costs a command line ~250 ms of class loading
 * and thread start-up; this is the little of HTTP/2 a sequential client needs: HPACK, flow control
 * in both directions, SETTINGS, PING, GOAWAY and RST_STREAM.
 */
public final class GrpcChannel implements AutoCloseable {
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private static final int DATA = 0;
  private static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int PUSH_PROMISE = 5;
  private static final int PING = 6;
  private static final int GOAWAY = 7;
  private static final int WINDOW_UPDATE = 8;
  private static final int CONTINUATION = 9;

  private static final int FLAG_END_STREAM = 0x1;
  private static final int FLAG_ACK = 0x1;
  private static final int FLAG_END_HEADERS = 0x4;
  private static final int FLAG_PADDED = 0x8;
  private static final int FLAG_PRIORITY = 0x20;

  private static final int SETTINGS_ENABLE_PUSH = 2;
  private static final int SETTINGS_INITIAL_WINDOW_SIZE = 4;
  private static final int SETTINGS_MAX_FRAME_SIZE = 5;

  /** The largest frame we accept: HTTP/2's default, which we never raise. */
  private static final int MAX_FRAME = 16_384;

  /** How far the server may send ahead of us, per stream and for the connection. */
  private static final int RECEIVE_WINDOW = 4 << 20;

  private static final int DEFAULT_WINDOW = 65_535;

  /** The largest header block accepted (HEADERS and its CONTINUATIONs). */
  private static final int MAX_HEADER_BLOCK = 1 << 20;

  /** The largest response message accepted. */
  private static final int MAX_MESSAGE = 64 << 20;

  /**
   * localhost's addresses without asking the resolver (RFC 6761 reserves the name for loopback),
   * which would cost a command some 6 ms of set-up for the default --server.
   */
  private static final InetAddress[] LOOPBACK = loopback();

  private final String authority;
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
  private volatile boolean cancelled;

  private GrpcChannel(String authority, Socket socket) throws IOException {
    this.authority = authority;
    this.socket = socket;
    this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 32_768));
    this.out = new BufferedOutputStream(socket.getOutputStream(), 16_384);
    out.write(PREFACE);
    byte[] settings = new byte[12];
    setting(settings, 0, SETTINGS_ENABLE_PUSH, 0);
    setting(settings, 6, SETTINGS_INITIAL_WINDOW_SIZE, RECEIVE_WINDOW);
    writeFrame(SETTINGS, 0, 0, settings, 0, settings.length);
    windowUpdate(0, RECEIVE_WINDOW - DEFAULT_WINDOW);
  }

  /**
   * Connects to {@code host:port}, trying each of the host's addresses in turn. Failures are
   * UNAVAILABLE with the reason in lower case ("connection refused") and the IOException as cause.
   */
  public static GrpcChannel connect(String host, int port, Duration timeout) {
    InetAddress[] addresses;
    try {
      addresses = host.equalsIgnoreCase("localhost") ? LOOPBACK : InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new RpcException(RpcException.Code.UNAVAILABLE, "unknown host " + host, e);
    }
    IOException last = null;
    for (InetAddress a : addresses) {
      Socket s = new Socket();
      try {
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(a, port), (int) Math.max(1, timeout.toMillis()));
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return new GrpcChannel(h + ":" + port, s);
      } catch (IOException e) {
        closeQuietly(s);
        last = e;
      }
    }
    throw new RpcException(RpcException.Code.UNAVAILABLE, reason(last), last);
  }

  private static InetAddress[] loopback() {
    try {
      byte[] v6 = new byte[16];
      v6[15] = 1;
      return new InetAddress[] {
        InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1}),
        InetAddress.getByAddress("localhost", v6)
      };
    } catch (UnknownHostException e) {
      throw new AssertionError("literal addresses", e);
    }
  }

  private static String reason(@Nullable IOException e) {
    if (e instanceof SocketTimeoutException) {
      return "connection timed out";
    }
    String m = e == null || e.getMessage() == null ? "connection failed" : e.getMessage();
    return m.toLowerCase(Locale.ROOT);
  }

  /** Whether a new call may start here (no GOAWAY, no broken frame stream, not closed). */
  public synchronized boolean usable() {
    return unusable == null && !socket.isClosed();
  }

  /** Calls a unary method: {@code method} is "/package.Service/Method". */
  public <T> T unary(String method, MessageLite request, Parser<T> parser, Duration deadline) {
    Call<T> call = start(method, request, parser, deadline);
    T result = call.next();
    if (result == null) {
      throw new RpcException(RpcException.Code.INTERNAL, "no response message for " + method);
    }
    if (call.next() != null) {
      throw new RpcException(RpcException.Code.INTERNAL, "more than one response for " + method);
    }
    return result;
  }

  /**
   * Starts a server-streaming call with no deadline. {@link #cancel} from another thread ends it
   * with CANCELLED (and ends this connection).
   */
  public <T> Call<T> stream(String method, MessageLite request, Parser<T> parser) {
    return start(method, request, parser, null);
  }

  /** Ends a call in progress from another thread; the connection is closed. */
  public void cancel() {
    cancelled = true;
    closeQuietly(socket);
  }

  @Override
  public void close() {
    closeQuietly(socket);
  }

  /** The responses of one call, read on demand. */
  public final class Call<T> {
    private final String method;
    private final Parser<T> parser;
    private final int id;
    private final long deadlineNanos;
    private long sendWindow = peerInitialWindow;
    private long unacked;
    private final ArrayDeque<byte[]> messages = new ArrayDeque<>();
    private byte[] partial = new byte[1024];
    private int partialLength;
    private @Nullable List<Hpack.Field> headers;
    private @Nullable List<Hpack.Field> trailers;
    private boolean ended;
    private int resetCode = -1;

    private Call(String method, Parser<T> parser, int id, long deadlineNanos) {
      this.method = method;
      this.parser = parser;
      this.id = id;
      this.deadlineNanos = deadlineNanos;
    }

    /** The next response, or null when the call ended with OK; a failed call throws. */
    public @Nullable T next() {
      while (messages.isEmpty() && !ended) {
        step(this);
      }
      byte[] m = messages.poll();
      if (m != null) {
        try {
          return parser.parseFrom(m);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new RpcException(
              RpcException.Code.INTERNAL, "cannot parse the response of " + method, e);
        }
      }
      RpcException failure = status(this);
      if (failure != null) {
        throw failure;
      }
      return null;
    }
  }

  private <T> Call<T> start(
      String method, MessageLite request, Parser<T> parser, @Nullable Duration deadline) {
    synchronized (this) {
      if (unusable != null) {
        throw new RpcException(RpcException.Code.UNAVAILABLE, unusable);
      }
    }
    long deadlineNanos = deadline == null ? 0 : System.nanoTime() + deadline.toNanos();
    Call<T> call = new Call<>(method, parser, nextStreamId, deadlineNanos);
    nextStreamId += 2;
    ByteArrayOutputStream block = new ByteArrayOutputStream(160);
    Hpack.encode(block, ":method", "POST");
    Hpack.encode(block, ":scheme", "http");
    Hpack.encode(block, ":path", method);
    Hpack.encode(block, ":authority", authority);
    Hpack.encode(block, "content-type", "application/grpc");
    Hpack.encode(block, "te", "trailers");
    Hpack.encode(block, "user-agent", "maglevc");
    if (deadline != null) {
      Hpack.encode(block, "grpc-timeout", Math.max(1, deadline.toMillis()) + "m");
    }
    byte[] body = request.toByteArray();
    byte[] message = new byte[5 + body.length];
    putInt(message, 1, body.length);
    System.arraycopy(body, 0, message, 5, body.length);
    try {
      byte[] h = block.toByteArray();
      // Our header block is small; one frame carries it.
      writeFrame(HEADERS, FLAG_END_HEADERS, call.id, h, 0, h.length);
      int sent = 0;
      while (sent < message.length) {
        int room = (int) Math.min(Math.min(call.sendWindow, connectionSendWindow), peerMaxFrame);
        if (room <= 0) {
          out.flush();
          step(call);
          if (call.ended) {
            return call;
          }
          continue;
        }
        int n = Math.min(room, message.length - sent);
        boolean last = sent + n == message.length;
        writeFrame(DATA, last ? FLAG_END_STREAM : 0, call.id, message, sent, n);
        call.sendWindow -= n;
        connectionSendWindow -= n;
        sent += n;
        if (last) {
          break;
        }
      }
      out.flush();
    } catch (IOException e) {
      throw broken(e, call);
    }
    return call;
  }

  /** Reads and handles one frame for {@code call}'s sake. */
  private void step(Call<?> call) {
    try {
      if (call.deadlineNanos != 0) {
        long left = call.deadlineNanos - System.nanoTime();
        if (left <= 0) {
          throw new SocketTimeoutException();
        }
        socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
      } else {
        socket.setSoTimeout(0);
      }
      readFrame(call);
    } catch (SocketTimeoutException e) {
      // A frame may be half read: the connection cannot carry another call.
      markUnusable("a call timed out on this connection");
      closeQuietly(socket);
      throw new RpcException(RpcException.Code.DEADLINE_EXCEEDED, "deadline exceeded", e);
    } catch (IOException e) {
      throw broken(e, call);
    } catch (HpackException e) {
      markUnusable(e.getMessage());
      closeQuietly(socket);
      throw new RpcException(RpcException.Code.INTERNAL, "bad header block: " + e.getMessage(), e);
    }
  }

  /**
   * The connection failed. When it had carried an earlier call and nothing of {@code call}'s answer
   * had arrived, the server most likely closed it while idle (a restart) and never saw the call:
   * the exception says so, for a caller that may retry on a new connection.
   */
  private RpcException broken(IOException e, @Nullable Call<?> call) {
    closeQuietly(socket);
    if (cancelled) {
      return new RpcException(RpcException.Code.CANCELLED, "cancelled", e);
    }
    String why =
        e instanceof EOFException
            ? "connection closed by the server"
            : e instanceof ProtocolException ? e.getMessage() : reason(e);
    markUnusable(why);
    RpcException failure = new RpcException(RpcException.Code.UNAVAILABLE, why, e);
    if (call != null
        && call.id > 1
        && call.headers == null
        && call.partialLength == 0
        && call.messages.isEmpty()
        && !(e instanceof ProtocolException)) {
      failure.staleConnection = true;
    }
    return failure;
  }

  private synchronized void markUnusable(@Nullable String why) {
    if (unusable == null) {
      unusable = why == null ? "connection unusable" : why;
    }
  }

  private void readFrame(Call<?> call) throws IOException, HpackException {
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
          call.resetCode = 7; // REFUSED_STREAM: never processed, safe to say UNAVAILABLE
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

  private void onData(Call<?> call, int flags, int stream, byte[] payload) throws IOException {
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
    int n = to - from;
    if (call.partialLength + n > call.partial.length) {
      call.partial =
          java.util.Arrays.copyOf(
              call.partial, Math.max(call.partial.length * 2, call.partialLength + n));
    }
    System.arraycopy(payload, from, call.partial, call.partialLength, n);
    call.partialLength += n;
    // gRPC's length-prefixed messages: a compression flag byte, a 4-byte length, the bytes.
    byte[] buf = call.partial;
    int pos = 0;
    while (call.partialLength - pos >= 5) {
      if (buf[pos] != 0) {
        throw new ProtocolException("a compressed message, which maglevc did not ask for");
      }
      int size = getInt(buf, pos + 1);
      if (size < 0 || size > MAX_MESSAGE) {
        throw new ProtocolException("a message of " + Integer.toUnsignedString(size) + " bytes");
      }
      if (call.partialLength - pos - 5 < size) {
        break;
      }
      call.messages.add(java.util.Arrays.copyOfRange(buf, pos + 5, pos + 5 + size));
      pos += 5 + size;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, call.partialLength - pos);
      call.partialLength -= pos;
    }
  }

  private void onHeaders(Call<?> call, int flags, int stream, byte[] payload)
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
    int f = flags;
    while ((f & FLAG_END_HEADERS) == 0) {
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

  private void onSettings(Call<?> call, int flags, byte[] payload) throws IOException {
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

  /** The call's outcome from its reset code, HTTP status and trailers; null for OK. */
  private static @Nullable RpcException status(Call<?> call) {
    if (call.resetCode >= 0) {
      return switch (call.resetCode) {
        case 7 -> {
          // REFUSED_STREAM, or beyond a GOAWAY's last stream: HTTP/2 says it was not processed
          RpcException e =
              new RpcException(RpcException.Code.UNAVAILABLE, "the server refused the call");
          e.notProcessed = true;
          yield e;
        }
        case 8 -> new RpcException(RpcException.Code.CANCELLED, "the server cancelled the call");
        default ->
            new RpcException(
                RpcException.Code.INTERNAL,
                "the server reset the call (code " + call.resetCode + ")");
      };
    }
    List<Hpack.Field> trailers = call.trailers;
    String grpcStatus = trailers == null ? null : value(trailers, "grpc-status");
    if (grpcStatus == null) {
      String http = call.headers == null ? null : value(call.headers, ":status");
      if (http != null && !http.equals("200")) {
        return new RpcException(httpCode(http), "HTTP status " + http + " from the server");
      }
      return new RpcException(
          RpcException.Code.INTERNAL, "the call to " + call.method + " ended without a status");
    }
    int code;
    try {
      code = Integer.parseInt(grpcStatus);
    } catch (NumberFormatException e) {
      return new RpcException(RpcException.Code.UNKNOWN, "grpc-status \"" + grpcStatus + "\"");
    }
    if (code == 0) {
      return null;
    }
    String message = value(trailers, "grpc-message");
    return new RpcException(
        RpcException.Code.of(code), message == null ? null : percentDecode(message));
  }

  /** The gRPC code for an HTTP status without grpc-status (gRPC's http-grpc-status-mapping). */
  private static RpcException.Code httpCode(String status) {
    return switch (status) {
      case "400" -> RpcException.Code.INTERNAL;
      case "401" -> RpcException.Code.UNAUTHENTICATED;
      case "403" -> RpcException.Code.PERMISSION_DENIED;
      case "404" -> RpcException.Code.UNIMPLEMENTED;
      case "429", "502", "503", "504" -> RpcException.Code.UNAVAILABLE;
      default -> RpcException.Code.UNKNOWN;
    };
  }

  private static @Nullable String value(List<Hpack.Field> fields, String name) {
    for (Hpack.Field f : fields) {
      if (f.name().equals(name)) {
        return f.value();
      }
    }
    return null;
  }

  /** grpc-message is UTF-8 with %XX escapes; malformed escapes are kept as they are. */
  static String percentDecode(String s) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%'
          && i + 2 < s.length()
          && hex(s.charAt(i + 1)) >= 0
          && hex(s.charAt(i + 2)) >= 0) {
        b.write(hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
        i += 2;
      } else {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }

  private static int padding(byte[] payload) throws ProtocolException {
    if (payload.length == 0 || (payload[0] & 0xff) > payload.length - 1) {
      throw new ProtocolException("padding longer than its frame");
    }
    return payload[0] & 0xff;
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

  private static void setting(byte[] b, int at, int id, int value) {
    b[at] = (byte) (id >>> 8);
    b[at + 1] = (byte) id;
    putInt(b, at + 2, value);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  private static int getInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing: nothing left to do with it
    }
  }

  /** The server broke HTTP/2 or gRPC framing: the connection is dropped. */
  private static final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
      super(message);
    }
  }
}
