package ch.ipng.maglev.tester;

/** What one probe came to, before the statistics judge a success a spike. */
public enum Outcome {
  /** A connect (TCP) or a response with a 2xx or 3xx status (HTTP). */
  OK("ok"),
  /** No complete answer within {@code --timeout}. */
  TIMEOUT("timeout"),
  /** A complete HTTP response with a status outside 200-399. */
  HTTP_ERR("http-err"),
  /** Refused, reset, unreachable, TLS failure, closed or malformed before a complete answer. */
  NET_ERR("net-err");

  private final String label;

  Outcome(String label) {
    this.label = label;
  }

  /** The class as the screen and the JSON name it. */
  public String label() {
    return label;
  }
}
