package ch.ipng.maglev.frontend.http;

/** What the routes read, as JSON text: the server itself knows no maglevd. */
public interface Api {
  /** {@code {"version":…,"commit":…,"date":…}} */
  String versionJson();

  /** The configured maglevds with their connection status, in --server order. */
  String maglevdsJson();
}
