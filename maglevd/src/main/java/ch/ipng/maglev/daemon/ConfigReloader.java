package ch.ipng.maglev.daemon;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.ConfigException;
import ch.ipng.maglev.config.ConfigLoader;
import ch.ipng.maglev.daemon.checker.Checker;
import ch.ipng.maglev.daemon.grpc.ConfigCommands;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks and reloads the config file (SIGHUP, ReloadConfig): validate first; on any error refuse,
 * log, and leave the running config untouched.
 */
final class ConfigReloader implements ConfigCommands {
  private static final Logger logger = LoggerFactory.getLogger(ConfigReloader.class);

  private final Path path;
  private final ConfigLoader.Use use;
  private final Checker checker;

  /** The checker applies a new config and publishes it in the live model for everyone else. */
  ConfigReloader(Path path, ConfigLoader.Use use, Checker checker) {
    this.path = path;
    this.use = use;
    this.checker = checker;
  }

  @Override
  public Outcome check() {
    try {
      ConfigLoader.load(path, use);
      return new Outcome(true, "", "");
    } catch (ConfigException e) {
      return outcome(e);
    }
  }

  @Override
  public synchronized Outcome reload() {
    Config next;
    try {
      next = ConfigLoader.load(path, use);
    } catch (ConfigException e) {
      logger
          .atError()
          .setMessage("config-reload-failed")
          .addKeyValue("file", path.toString())
          .addKeyValue(
              e.kind() == ConfigException.Kind.PARSE ? "parse_error" : "semantic_error",
              e.getMessage())
          .log();
      return outcome(e);
    }
    checker.apply(next);
    logger
        .atInfo()
        .setMessage("config-reload")
        .addKeyValue("file", path.toString())
        .addKeyValue("frontends", next.frontends().size())
        .addKeyValue("backends", next.backends().size())
        .log();
    return new Outcome(true, "", "");
  }

  private static Outcome outcome(ConfigException e) {
    return e.kind() == ConfigException.Kind.PARSE
        ? new Outcome(false, e.getMessage(), "")
        : new Outcome(false, "", e.getMessage());
  }
}
