package io.rollbackguard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The one jar's entry point. Exit codes, every command: 0 ok, 1 problems found, 2 bad input or usage, 3 unreachable. */
@Command(name = "rollback-guard", mixinStandardHelpOptions = true, version = "rollback-guard 0.1.0",
    description = "Guards Deployment rollouts and advises on rollbacks; never executes one.",
    subcommands = {RunCommand.class, DemoCommand.class, TestCommand.class, LintCommand.class,
        RunbookCommand.class, PostmortemCommand.class, AlertsCommand.class,
        CommandLine.HelpCommand.class})
public final class RollbackGuard {
  public static final int OK = 0;
  public static final int PROBLEMS = 1;
  public static final int INVALID = 2;
  public static final int UNREACHABLE = 3;

  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces with errors.")
  boolean verbose;

  public static void main(String[] args) {
    CommonPool.atLeastTwoThreads();
    int code;
    try {
      code = execute(args);
    } catch (Throwable t) {
      // Never leave the JVM up on an error: the embedded servers and operator threads are not daemons.
      System.err.println("error: " + t);
      code = INVALID;
    }
    System.exit(code);
  }

  /** Runs a command line and returns its exit code; never throws. */
  public static int execute(String... args) {
    return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
  }

  public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new RollbackGuard());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      boolean verbose = parsed.hasMatchedOption("--verbose")
          || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
      line.getErr().println("error: " + (e.getMessage() == null || e.getMessage().isBlank()
          ? "unexpected internal error; run again with --verbose for the details" : e.getMessage()));
      if (verbose) {
        e.printStackTrace(line.getErr());
      }
      return INVALID;
    });
    return cli.execute(args);
  }
}
