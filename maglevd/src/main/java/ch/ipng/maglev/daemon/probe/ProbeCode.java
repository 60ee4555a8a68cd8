package ch.ipng.maglev.daemon.probe;

/** HAProxy's check-status vocabulary, plus ICMP's and the operator states. */
public enum ProbeCode {
  /** TCP connect succeeded. */
  L4OK,
  /** TCP connect timed out. */
  L4TOUT,
  /** TCP connect failed (refused, unreachable, netns not entered). */
  L4CON,
  /** TLS handshake succeeded. */
  L6OK,
  /** TLS handshake timed out. */
  L6TOUT,
  /** TLS handshake failed. */
  L6RSP,
  /** HTTP response as expected. */
  L7OK,
  /** No complete HTTP response in time. */
  L7TOUT,
  /** Invalid or unexpected HTTP response (bad framing, body mismatch, early close). */
  L7RSP,
  /** HTTP status not in the expected codes. */
  L7STS,
  /** ICMP echo reply received. */
  L3OK,
  /** No ICMP echo reply in time. */
  L3TOUT,
  /** ICMP destination unreachable. */
  L3UNR,
  /** The operator paused the backend. */
  PAUSED,
  /** The operator disabled the backend. */
  DISABLED;

  /** The code as shown: "L7OK", …, "paused", "disabled". */
  public String label() {
    return switch (this) {
      case PAUSED -> "paused";
      case DISABLED -> "disabled";
      default -> name();
    };
  }
}
