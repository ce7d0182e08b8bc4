package io.rollbackguard.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** A command line run in-process, with what it printed. */
record CliRun(int exitCode, String out, String err) {
  /** One command object, configured by the test (environment, clock...), run with {@code args}. */
  static CliRun command(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = new picocli.CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = RollbackGuard.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
