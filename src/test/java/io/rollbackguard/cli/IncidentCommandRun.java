package io.rollbackguard.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import picocli.CommandLine;

/** Runs `runbook` or `postmortem` in-process with a fixed clock, and the environment and home directory given. */
final class IncidentCommandRun {
  static final Path FIXTURES = Path.of("src/test/resources/incident");

  private IncidentCommandRun() {}

  static CliRun run(IncidentDocumentCommand command, Instant now, Map<String, String> env, Path home,
      String... args) {
    command.clock = Clock.fixed(now, ZoneOffset.UTC);
    command.env = env;
    command.home = home;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** With no cluster configured at all: only --from-file can work. */
  static CliRun run(IncidentDocumentCommand command, Instant now, String... args) {
    return run(command, now, Map.of(), Path.of("/nonexistent-home"), args);
  }
}
