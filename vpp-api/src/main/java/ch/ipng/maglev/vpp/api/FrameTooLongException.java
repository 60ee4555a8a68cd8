package ch.ipng.maglev.vpp.api;

/**
 * VPP announced a frame longer than {@link Codec#MAX_BODY_LENGTH}: refused at its header, before
 * any memory is taken for it; the connection ends.
 */
public final class FrameTooLongException extends VppException {
  private static final long serialVersionUID = 1L;

  private final long claimed;

  FrameTooLongException(long claimed) {
    super(
        "VPP sent a frame of "
            + claimed
            + " bytes, more than the limit of "
            + Codec.MAX_BODY_LENGTH
            + " bytes");
    this.claimed = claimed;
  }

  /** The body length the frame's header claimed. */
  public long claimed() {
    return claimed;
  }

  /** The first {@link FrameTooLongException} in {@code e}'s causes, itself included, or null. */
  static FrameTooLongException in(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof FrameTooLongException f) {
        return f;
      }
    }
    return null;
  }
}
