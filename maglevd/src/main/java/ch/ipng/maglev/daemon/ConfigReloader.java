package ch.ipng.maglev.daemon;

import ch.ipng.maglev.common.Text;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.ConfigException;
import ch.ipng.maglev.config.ConfigLoader;
import ch.ipng.maglev.daemon.checker.Checker;
import ch.ipng.maglev.daemon.grpc.ConfigCommands;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks and reloads the config file (SIGHUP, ReloadConfig): validate first; on any error refuse,
 * log, and leave the running config untouched.
 *
 * <p>Whatever a reload throws ends as a failed {@link Outcome} with a one-line reason and a {@code
 * config-reload-failed} log line, so the RPC answers with that reason and the SIGHUP handler
 * carries on. The one exception is a {@link VirtualMachineError} (out of memory, stack overflow):
 * it is logged the same way and then thrown on, for the process's fail-fast handling, since the JVM
 * may no longer be sound. The loader's limits (file size, nesting depth) keep hostile files from
 * getting that far.
 *
 * <p>Every reload's result is counted ({@code maglev_config_reloads_total{result}}): {@link #OK},
 * {@link #REFUSED} (the file was unreadable, too big, too deep, or failed parsing or validation) or
 * {@link #FAILED} (valid, but applying it threw).
 */
final class ConfigReloader implements ConfigCommands {
  private static final Logger logger = LoggerFactory.getLogger(ConfigReloader.class);

  /** The longest reason an unexpected failure is reported with. */
  static final int MAX_REASON = 300;

  /** The results a reload is counted under. */
  static final String OK = "ok";

  static final String REFUSED = "refused";
  static final String FAILED = "failed";

  private final Path path;
  private final ConfigLoader.Use use;
  private final Checker checker;
  private final Consumer<String> results;
  private final Runnable afterApply;

  /**
   * The checker applies a new config and publishes it in the live model for everyone else; {@code
   * results} hears each reload's result ({@link #OK}, {@link #REFUSED} or {@link #FAILED}).
   */
  ConfigReloader(Path path, ConfigLoader.Use use, Checker checker, Consumer<String> results) {
    this(path, use, checker, results, () -> {});
  }

  /** As above; {@code afterApply} runs after each config applied (the overrides follow it). */
  ConfigReloader(
      Path path,
      ConfigLoader.Use use,
      Checker checker,
      Consumer<String> results,
      Runnable afterApply) {
    this.path = path;
    this.use = use;
    this.checker = checker;
    this.results = results;
    this.afterApply = afterApply;
  }

  @Override
  public Outcome check() {
    try {
      ConfigLoader.load(path, use);
      return new Outcome(true, "", "");
    } catch (ConfigException e) {
      return outcome(e);
    } catch (RuntimeException | Error e) {
      rethrowIfFatal(e);
      return new Outcome(false, "cannot check " + path + ": " + reason(e), "");
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
      results.accept(REFUSED);
      return outcome(e);
    } catch (RuntimeException | Error e) {
      String why = "cannot read " + path + ": " + reason(e);
      results.accept(REFUSED);
      failed(why, e);
      return new Outcome(false, why, "");
    }
    try {
      checker.apply(next);
      afterApply.run();
    } catch (RuntimeException | Error e) {
      String why = "cannot apply " + path + ": " + reason(e);
      results.accept(FAILED);
      failed(why, e);
      return new Outcome(false, "", why);
    }
    results.accept(OK);
    logger
        .atInfo()
        .setMessage("config-reload")
        .addKeyValue("file", path.toString())
        .addKeyValue("frontends", next.frontends().size())
        .addKeyValue("backends", next.backends().size())
        .log();
    return new Outcome(true, "", "");
  }

  /** Logs an unexpected failure in one line (the trace at debug) and rethrows a fatal one. */
  private void failed(String why, Throwable e) {
    logger
        .atError()
        .setMessage("config-reload-failed")
        .addKeyValue("file", path.toString())
        .addKeyValue("error", why)
        .log();
    logger.debug("config-reload-failed trace", e);
    rethrowIfFatal(e);
  }

  private static void rethrowIfFatal(Throwable e) {
    if (e instanceof VirtualMachineError fatal) {
      throw fatal;
    }
  }

  /** The failure in one line: its type and the first line of its message, cut short. */
  static String reason(Throwable e) {
    String message = e.getMessage();
    String text =
        message == null || message.isBlank()
            ? e.getClass().getSimpleName()
            : e.getClass().getSimpleName() + ": " + message.strip().lines().findFirst().orElse("");
    return Text.cut(text, MAX_REASON);
  }

  private static Outcome outcome(ConfigException e) {
    return e.kind() == ConfigException.Kind.PARSE
        ? new Outcome(false, e.getMessage(), "")
        : new Outcome(false, "", e.getMessage());
  }
}
