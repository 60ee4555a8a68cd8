package ch.ipng.maglev.cli.rpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One cleartext HTTP/2 connection (prior knowledge) carrying gRPC calls one after another, read and
 * written by the calling thread. grpc-java's channel costs a command line ~250 ms of class loading
 * and thread start-up; this is the little of HTTP/2 a sequential client needs: HPACK, flow control
 * in both directions, SETTINGS, PING, GOAWAY and RST_STREAM ({@link Http2Connection}). This class
 * connects, frames requests, applies deadlines and cancellation, and turns failures into {@link
 * RpcException}s.
 */
public final class GrpcChannel implements AutoCloseable {
  /**
   * localhost's addresses without asking the resolver (RFC 6761 reserves the name for loopback),
   * which would cost a command some 6 ms of set-up for the default --server.
   */
  private static final InetAddress[] LOOPBACK = loopback();

  private final String authority;
  private final String scheme;
  private final Http2Connection connection;
  private volatile boolean cancelled;

  private GrpcChannel(String authority, String scheme, Http2Connection connection) {
    this.authority = authority;
    this.scheme = scheme;
    this.connection = connection;
  }

  /**
   * Connects to {@code host:port}, trying each of the host's addresses in turn. Failures are
   * UNAVAILABLE with the reason in lower case ("connection refused") and the IOException as cause.
   */
  public static GrpcChannel connect(String host, int port, Duration timeout) {
    return connect(host, port, timeout, null);
  }

  /**
   * As {@link #connect(String, int, Duration)}, over TLS unless {@code tls} is null; the handshake
   * is bounded by {@code timeout} too, and its failure is UNAVAILABLE "tls handshake: ...".
   */
  public static GrpcChannel connect(
      String host, int port, Duration timeout, @Nullable ClientTls tls) {
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
        if (tls == null) {
          return new GrpcChannel(h + ":" + port, "http", Http2Connection.open(s));
        }
        s.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        Socket secure;
        try {
          secure = tls.handshake(s, host, port);
        } catch (IOException e) {
          throw new RpcException(RpcException.Code.UNAVAILABLE, "tls handshake: " + reason(e), e);
        }
        secure.setSoTimeout(0);
        return new GrpcChannel(h + ":" + port, "https", Http2Connection.open(secure));
      } catch (IOException e) {
        Http2Connection.closeQuietly(s);
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
  public boolean usable() {
    return connection.usable();
  }

  /** Calls a unary method: {@code method} is "/package.Service/Method". */
  public <T> T unary(String method, MessageLite request, Parser<T> parser, Duration deadline) {
    Call<T> call = start(method, request, parser, deadline, false);
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
   * Starts a server-streaming call: the server's first answer (its HTTP/2 SETTINGS, or anything of
   * the call) must arrive within {@code firstAnswer}, or the call fails with DEADLINE_EXCEEDED;
   * after that the stream may stay quiet for as long as it likes (the server sees no grpc-timeout).
   * {@link #cancel} from another thread ends it with CANCELLED (and ends this connection).
   */
  public <T> Call<T> stream(
      String method, MessageLite request, Parser<T> parser, Duration firstAnswer) {
    return start(method, request, parser, firstAnswer, true);
  }

  /** Ends a call in progress from another thread; the connection is closed. */
  public void cancel() {
    cancelled = true;
    connection.close();
  }

  @Override
  public void close() {
    connection.close();
  }

  /** The responses of one call, read on demand. */
  public final class Call<T> {
    private final String method;
    private final Parser<T> parser;
    private final Http2Stream stream;
    private final long deadlineNanos;
    private final boolean firstAnswerOnly;

    private Call(
        String method,
        Parser<T> parser,
        Http2Stream stream,
        long deadlineNanos,
        boolean firstAnswerOnly) {
      this.method = method;
      this.parser = parser;
      this.stream = stream;
      this.deadlineNanos = deadlineNanos;
      this.firstAnswerOnly = firstAnswerOnly;
    }

    /**
     * Whether the deadline still applies: always, or for a stream until the server first answered:
     * its HTTP/2 SETTINGS, or anything of the call. (grpc-java sends a stream's response headers
     * only with its first message, which may be long in coming on a quiet daemon.)
     */
    private boolean bounded() {
      return !firstAnswerOnly || (!connection.settingsSeen() && stream.nothingReceived());
    }

    /** The next response, or null when the call ended with OK; a failed call throws. */
    public @Nullable T next() {
      while (!stream.hasMessage() && !stream.ended) {
        step(this);
      }
      byte[] m = stream.poll();
      if (m != null) {
        try {
          return parser.parseFrom(m);
        } catch (InvalidProtocolBufferException e) {
          throw new RpcException(
              RpcException.Code.INTERNAL, "cannot parse the response of " + method, e);
        }
      }
      RpcException failure = GrpcStatus.of(stream, method);
      if (failure != null) {
        throw failure;
      }
      return null;
    }
  }

  private <T> Call<T> start(
      String method,
      MessageLite request,
      Parser<T> parser,
      Duration deadline,
      boolean firstAnswerOnly) {
    String unusable = connection.unusable();
    if (unusable != null) {
      throw new RpcException(RpcException.Code.UNAVAILABLE, unusable);
    }
    long deadlineNanos = System.nanoTime() + deadline.toNanos();
    Call<T> call =
        new Call<>(method, parser, connection.newStream(), deadlineNanos, firstAnswerOnly);
    byte[] headers = headerBlock(method, firstAnswerOnly ? null : deadline);
    byte[] message = lengthPrefixed(request);
    try {
      send(call, headers, message);
    } catch (IOException e) {
      throw broken(e, call);
    }
    return call;
  }

  private byte[] headerBlock(String method, @Nullable Duration deadline) {
    ByteArrayOutputStream block = new ByteArrayOutputStream(160);
    Hpack.encode(block, ":method", "POST");
    Hpack.encode(block, ":scheme", scheme);
    Hpack.encode(block, ":path", method);
    Hpack.encode(block, ":authority", authority);
    Hpack.encode(block, "content-type", "application/grpc");
    Hpack.encode(block, "te", "trailers");
    Hpack.encode(block, "user-agent", "maglevc");
    if (deadline != null) {
      Hpack.encode(block, "grpc-timeout", Math.max(1, deadline.toMillis()) + "m");
    }
    return block.toByteArray();
  }

  /** gRPC's framing of one uncompressed message: a zero flag byte, a 4-byte length, the bytes. */
  private static byte[] lengthPrefixed(MessageLite request) {
    byte[] body = request.toByteArray();
    byte[] message = new byte[5 + body.length];
    Frames.putInt(message, 1, body.length);
    System.arraycopy(body, 0, message, 5, body.length);
    return message;
  }

  /**
   * Sends the request as far as the flow-control windows allow, reading frames (and so window
   * updates) while they are shut; stops early when the server ends the call first.
   */
  private void send(Call<?> call, byte[] headers, byte[] message) throws IOException {
    connection.writeHeaders(call.stream, headers);
    int sent = 0;
    while (sent < message.length) {
      int room = connection.sendRoom(call.stream);
      if (room <= 0) {
        connection.flush();
        step(call);
        if (call.stream.ended) {
          return;
        }
        continue;
      }
      int n = Math.min(room, message.length - sent);
      boolean last = sent + n == message.length;
      connection.writeData(call.stream, message, sent, n, last);
      sent += n;
    }
    connection.flush();
  }

  /** Reads and handles one frame for {@code call}'s sake, within its deadline. */
  private void step(Call<?> call) {
    try {
      if (call.bounded()) {
        long left = call.deadlineNanos - System.nanoTime();
        if (left <= 0) {
          throw new SocketTimeoutException();
        }
        connection.readTimeout((int) Math.max(1, left / 1_000_000));
      } else {
        connection.readTimeout(0);
      }
      connection.readFrame(call.stream);
    } catch (SocketTimeoutException e) {
      // A frame may be half read: the connection cannot carry another call.
      connection.markUnusable("a call timed out on this connection");
      connection.close();
      throw new RpcException(RpcException.Code.DEADLINE_EXCEEDED, "deadline exceeded", e);
    } catch (IOException e) {
      throw broken(e, call);
    } catch (HpackException e) {
      connection.markUnusable(e.getMessage());
      connection.close();
      throw new RpcException(RpcException.Code.INTERNAL, "bad header block: " + e.getMessage(), e);
    }
  }

  /**
   * The connection failed. When it had carried an earlier call and nothing of {@code call}'s answer
   * had arrived, the server most likely closed it while idle (a restart) and never saw the call:
   * the exception says so, for a caller that may retry on a new connection.
   */
  private RpcException broken(IOException e, @Nullable Call<?> call) {
    connection.close();
    if (cancelled) {
      return new RpcException(RpcException.Code.CANCELLED, "cancelled", e);
    }
    String why =
        e instanceof EOFException
            ? "connection closed by the server"
            : e instanceof ProtocolException ? e.getMessage() : reason(e);
    connection.markUnusable(why);
    RpcException failure = new RpcException(RpcException.Code.UNAVAILABLE, why, e);
    if (call != null
        && call.stream.id > 1
        && call.stream.nothingReceived()
        && !(e instanceof ProtocolException)) {
      failure.staleConnection = true;
    }
    return failure;
  }

  /** grpc-message's decoding, done by {@link GrpcStatus}; reachable here for its tests. */
  static String percentDecode(String s) {
    return GrpcStatus.percentDecode(s);
  }
}
