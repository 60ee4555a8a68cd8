package ch.ipng.maglev.daemon.checker;

/** An operator action that cannot be done, with the reason operators read. */
public final class CheckerException extends Exception {
  /** Why, mapped to gRPC codes by the API. */
  public enum Reason {
    NOT_FOUND,
    INVALID_ARGUMENT,
    FAILED_PRECONDITION
  }

  private final Reason reason;

  public CheckerException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
