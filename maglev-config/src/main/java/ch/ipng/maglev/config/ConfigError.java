package ch.ipng.maglev.config;

/**
 * One problem in a config file, located by YAML path and position.
 *
 * @param line 1-based line, or 0 when unknown
 * @param column 1-based column, or 0 when unknown
 */
public record ConfigError(String path, String message, int line, int column) {
  @Override
  public String toString() {
    String where = line > 0 ? " (line " + line + ", column " + column + ")" : "";
    return (path.isEmpty() ? "" : path + ": ") + message + where;
  }
}
