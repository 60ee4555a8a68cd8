package ch.ipng.maglev.daemon.grpc;

/** What the API needs from whoever owns the config file: check it, or check and apply it. */
public interface ConfigCommands {
  /**
   * The outcome of a check or reload.
   *
   * @param parseError YAML or structure errors, one per line, empty if none
   * @param semanticError rule violations, one per line, empty if none
   */
  record Outcome(boolean ok, String parseError, String semanticError) {}

  Outcome check();

  Outcome reload();
}
