package io.rollbackguard.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** Runs `runbook` or `postmortem` in-process with a fixed clock, and the environment and home directory given. */
final class IncidentCommandRun {
  static final Path FIXTURES = Path.of("src/test/resources/incident");

  private IncidentCommandRun() {}

  static CliRun run(IncidentDocumentCommand command, Instant now, Map<String, String> env, Path home,
      String... args) {
    command.clock = Clock.fixed(now, ZoneOffset.UTC);
    command.env = env;
    command.home = home;
    return CliRun.command(command, args);
  }

  /** With no cluster configured at all: only --from-file can work. */
  static CliRun run(IncidentDocumentCommand command, Instant now, String... args) {
    return run(command, now, Map.of(), Path.of("/nonexistent-home"), args);
  }
}
