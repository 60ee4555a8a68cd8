package ch.ipng.maglev.tester;

import org.jspecify.annotations.Nullable;

/**
 * One probe's result.
 *
 * @param target the target's index
 * @param atMillis when it finished (epoch milliseconds)
 * @param latencyNanos from the start of the connect to the end of the response (or the failure)
 * @param status the HTTP status, 0 when there was no response (or for TCP)
 * @param header the tallied header's value, {@link #NO_HEADER} when an HTTP response lacked it,
 *     null when there was no HTTP response
 * @param detail what happened, for the events panel
 * @param source the probe connection's own address and port, null when it did not connect: with the
 *     VIP's it is the flow a load balancer hashed, so a probe can be matched to its bucket
 */
public record Sample(
    int target,
    long atMillis,
    long latencyNanos,
    Outcome outcome,
    int status,
    @Nullable String header,
    String detail,
    java.net.@Nullable InetSocketAddress source) {

  /** A sample without a connection's source (a test's, or a probe that did not connect). */
  public Sample(
      int target,
      long atMillis,
      long latencyNanos,
      Outcome outcome,
      int status,
      @Nullable String header,
      String detail) {
    this(target, atMillis, latencyNanos, outcome, status, header, detail, null);
  }

  /** The tally's bucket for a response without the header. */
  public static final String NO_HEADER = "(none)";
}
