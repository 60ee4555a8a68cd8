package ch.ipng.maglev.daemon.dataplane;

/** The dataplane could not do what was asked: VPP is away, refused, or did not answer in time. */
public final class DataplaneException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataplaneException(String message) {
    super(message);
  }

  public DataplaneException(String message, Throwable cause) {
    super(message, cause);
  }
}
