package ch.ipng.maglev.vpp.api;

/** A failure talking to VPP: a bad message, a closed connection, a timeout or a VPP error. */
public class VppException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VppException(String message) {
    super(message);
  }

  public VppException(String message, Throwable cause) {
    super(message, cause);
  }
}
