package ch.ipng.maglev.cli.rpc;

/** A header block that does not decode: the connection cannot be used any more. */
final class HpackException extends Exception {
  private static final long serialVersionUID = 1L;

  HpackException(String message) {
    super(message);
  }
}
