package ch.ipng.maglev.cli.rpc;

import java.io.IOException;

/** The server broke HTTP/2 or gRPC framing: the connection is dropped. */
final class ProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  ProtocolException(String message) {
    super(message);
  }
}
