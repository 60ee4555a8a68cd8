package ch.ipng.maglev.vpp.api;

/** VPP did not answer in time: it stays silent on requests it cannot route or parse. */
public final class VppTimeoutException extends VppException {
  private static final long serialVersionUID = 1L;

  public VppTimeoutException(String message) {
    super(message);
  }
}
