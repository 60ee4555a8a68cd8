package ch.ipng.maglev.common;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line maglevd, maglevd-frontend and maglev-vppsim share, over picocli: the program's
 * own {@code @Option}s plus {@code --log-level} (for the daemons; defaulting to an environment
 * variable the program names, else info), {@code --version} and {@code --help}. Like the program's
 * own options, each is accepted with one dash or two, as Go's flag package takes both. (maglevc
 * parses its few flags by hand: picocli would cost each one-shot command start-up time.)
 *
 * <p>The shared options come last in the help. A program option that belongs after {@code
 * --log-level} there says so with {@code order = Launcher.AFTER_LOG_LEVEL} (and {@code + 1}, ...),
 * in a command with {@code sortOptions = false}.
 */
public final class Launcher {
  /** picocli's {@code order} of --log-level in the help; options without one come first. */
  private static final int LOG_LEVEL_ORDER = 100;

  /** The {@code order} of the first program option listed after --log-level. */
  public static final int AFTER_LOG_LEVEL = LOG_LEVEL_ORDER + 1;

  private static final int VERSION_ORDER = 200;
  private static final int HELP_ORDER = 201;

  private final CommandLine commandLine;
  private final @Nullable OptionSpec logLevel;

  private Launcher(CommandLine commandLine, @Nullable OptionSpec logLevel) {
    this.commandLine = commandLine;
    this.logLevel = logLevel;
  }

  /**
   * For a daemon: {@code options} (an {@code @Command} with {@code @Option} fields) plus
   * --log-level, defaulting to the environment variable {@code logLevelEnv}, --version and --help.
   */
  public static Launcher of(Object options, String logLevelEnv) {
    requireNonNull(logLevelEnv, "logLevelEnv");
    OptionSpec logLevel =
        OptionSpec.builder("--log-level", "-log-level")
            .paramLabel("LEVEL")
            .type(String.class)
            .defaultValue("${env:" + logLevelEnv + ":-info}")
            .description(
                "debug, info, warn or error (env " + logLevelEnv + ", default ${DEFAULT-VALUE}).")
            .order(LOG_LEVEL_ORDER)
            .build();
    return create(options, logLevel);
  }

  /** For a program without logging: {@code options} plus --version and --help. */
  public static Launcher of(Object options) {
    return create(options, null);
  }

  private static Launcher create(Object options, @Nullable OptionSpec logLevel) {
    requireNonNull(options, "options");
    CommandLine cl = new CommandLine(options);
    CommandSpec spec = cl.getCommandSpec();
    if (logLevel != null) {
      spec.addOption(logLevel);
    }
    spec.addOption(
        OptionSpec.builder("--version", "-version")
            .versionHelp(true)
            .description("Print version, commit and build date, and exit.")
            .order(VERSION_ORDER)
            .build());
    spec.addOption(
        OptionSpec.builder("--help", "-help", "-h")
            .usageHelp(true)
            .description("Show this help and exit.")
            .order(HELP_ORDER)
            .build());
    String program = spec.name();
    spec.versionProvider(() -> new String[] {Version.current().describe(program)});
    return new Launcher(cl, logLevel);
  }

  /**
   * Parses {@code args} into the options. Returns empty when the program should go on; otherwise,
   * having printed the help or the version to {@code out} (exit code 0) or a usage error and a
   * pointer to --help to {@code err} (exit code 1), the exit code.
   */
  public OptionalInt parse(String[] args, PrintStream out, PrintStream err) {
    String program = commandLine.getCommandName();
    try {
      commandLine.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      err.println(program + ": " + e.getMessage());
      err.println("Try '" + program + " --help'.");
      return OptionalInt.of(1);
    }
    if (commandLine.isUsageHelpRequested()) {
      commandLine.usage(out);
      return OptionalInt.of(0);
    }
    if (commandLine.isVersionHelpRequested()) {
      commandLine.printVersionHelp(out);
      return OptionalInt.of(0);
    }
    return OptionalInt.empty();
  }

  /**
   * The --log-level given, or its default; checked by {@link Levels#severity} only when used.
   *
   * @throws IllegalStateException for a launcher without --log-level
   */
  public String logLevel() {
    if (logLevel == null) {
      throw new IllegalStateException("this launcher has no --log-level");
    }
    return logLevel.getValue();
  }
}
