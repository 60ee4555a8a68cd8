package ch.ipng.maglev.daemon.model;

/** A change the model refuses, with the reason the API reports. */
public final class ModelException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Why, in the API's terms. */
  public enum Reason {
    NOT_FOUND,
    INVALID_ARGUMENT
  }

  private final Reason reason;

  public ModelException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
