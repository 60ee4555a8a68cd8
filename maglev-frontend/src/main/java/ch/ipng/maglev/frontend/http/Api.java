package ch.ipng.maglev.frontend.http;

/** What the routes read, as JSON text: the server itself knows no maglevd. */
public interface Api {
  /** {@code {"version":…,"commit":…,"date":…}} */
  String versionJson();

  /** The configured maglevds with their connection status, in --server order. */
  String maglevdsJson();

  /** Every maglevd's cached state, in --server order. */
  String stateJson();

  /** One maglevd's cached state, or empty for an unknown name. */
  java.util.Optional<String> stateJson(String maglevd);

  /** The maglevds' names, for the error that names an unknown one. */
  java.util.List<String> names();

  /**
   * Which VIP, bucket and AS {@code maglevd} says VPP gives a new flow: its VPPLBFlow as JSON, or
   * its error with the matching HTTP status. A server that follows no maglevd has none to ask.
   */
  default java.util.concurrent.CompletableFuture<AdminApi.Reply> lookupFlow(
      String maglevd, FlowQuery query) {
    return java.util.concurrent.CompletableFuture.completedFuture(
        new AdminApi.Reply(
            404,
            "{\"error\":" + Router.quote("no maglevd \"" + Router.echo(maglevd) + "\"") + "}"));
  }

  /** The error for a maglevd this server does not follow, naming the ones it does. */
  static String unknownMaglevd(String maglevd, java.util.List<String> known) {
    return "no maglevd \"" + Router.echo(maglevd) + "\" (known: " + String.join(", ", known) + ")";
  }
}
