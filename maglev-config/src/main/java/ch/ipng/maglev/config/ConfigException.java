package ch.ipng.maglev.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config that cannot be used, with every error found. */
public final class ConfigException extends Exception {
  /** Which stage of validation failed. */
  public enum Kind {
    /** YAML syntax, unknown keys or wrong types: `maglevd --check` exits 1. */
    PARSE,
    /** Rules across fields and objects: `maglevd --check` exits 2. */
    SEMANTIC
  }

  private final Kind kind;
  private final List<ConfigError> errors;

  public ConfigException(Kind kind, List<ConfigError> errors) {
    super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
    this.kind = kind;
    this.errors = List.copyOf(errors);
  }

  public Kind kind() {
    return kind;
  }

  public List<ConfigError> errors() {
    return errors;
  }
}
