package ch.ipng.maglev.frontend.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 as bytes over a plain socket, for requests no well-behaved client would send. */
final class RawHttp {
  /** How long a read may wait before the test says the server did not answer. */
  static final int READ_TIMEOUT_MS = 10_000;

  private RawHttp() {}

  static Socket connect(InetSocketAddress address) throws IOException {
    Socket s = new Socket();
    s.connect(address, READ_TIMEOUT_MS);
    s.setSoTimeout(READ_TIMEOUT_MS);
    return s;
  }

  /** Sends {@code request}, says it is done sending, and reads until the server closes. */
  static String exchange(InetSocketAddress address, byte[] request) throws IOException {
    try (Socket s = connect(address)) {
      try {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        s.shutdownOutput();
      } catch (IOException e) {
        // the server may close before it read everything (a refused request): read its answer
      }
      return readToEnd(s);
    }
  }

  static String exchange(InetSocketAddress address, String request) throws IOException {
    return exchange(address, request.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Everything until the server closes; a read timeout fails (the server kept it open). */
  static String readToEnd(Socket s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          "the server kept the connection open for "
              + READ_TIMEOUT_MS
              + " ms; read so far: "
              + out.toString(StandardCharsets.ISO_8859_1),
          e);
    } catch (IOException e) {
      // a reset after the answer: what was read counts
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** The status code of the first answer in {@code response}, or -1 when there is none. */
  static int status(String response) {
    if (!response.startsWith("HTTP/1.1 ") || response.length() < 12) {
      return -1;
    }
    return Integer.parseInt(response.substring(9, 12));
  }
}
