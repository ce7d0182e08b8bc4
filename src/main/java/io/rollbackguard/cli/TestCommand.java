package io.rollbackguard.cli;

import io.rollbackguard.policytest.PolicyTestFile;
import io.rollbackguard.policytest.PolicyTestFile.TestCase;
import io.rollbackguard.policytest.PolicyTestRunner;
import io.rollbackguard.policytest.VerdictDocument;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "test", mixinStandardHelpOptions = true,
    description = "Runs policy unit tests: sample series in, expected action out (like promtool test rules).",
    footer = {"", "Examples:", "  rollback-guard test examples/checkout.test.yaml", "  rollback-guard test examples/",
        "  rollback-guard test --verdict 'error spike rolls back now' examples/checkout.test.yaml > rv.yaml",
        "  rollback-guard runbook --from-file rv.yaml",
        "", "Exit codes: 0 all passed, 1 a test failed, 2 a test or policy file is invalid (or, with --verdict, no"
            + " single test has that name)."})
final class TestCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Test files, or directories searched for *.test.yaml.")
  List<Path> paths;

  @picocli.CommandLine.Mixin InputOptions input;

  @Option(names = "--verdict", paramLabel = "TEST",
      description = "Run only the test of this name and print the RolloutVerdict it ends with, as YAML, as the operator"
          + " would record it (for runbook/postmortem --from-file); its PASS or FAIL line goes to stderr.")
  String verdict;

  @Option(names = "--rollout-at", paramLabel = "TIME",
      description = "With --verdict: when the simulated rollout starts (t=0), RFC 3339, on the test's sampling grid"
          + " (default: 1970-01-01T00:00:00Z).")
  String rolloutAt;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (verdict != null) {
        return printVerdict(out, err);
      }
      if (rolloutAt != null) {
        err.println("error: --rollout-at goes with --verdict");
        return RollbackGuard.INVALID;
      }
      return runAll(out, err);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int runAll(PrintWriter out, PrintWriter err) {
    PolicyTestRunner runner = new PolicyTestRunner();
    int passed = 0;
    int failed = 0;
    boolean invalid = false;
    for (Path file : testFiles(err)) {
      try {
        for (PolicyTestRunner.Outcome o : runner.run(PolicyTestFile.load(file, input.reader(System.in)))) {
          out.println(o.text());
          if (o.passed()) {
            passed++;
          } else {
            failed++;
          }
        }
      } catch (PolicyTestFile.InvalidTestFileException e) {
        err.println("error: " + e.getMessage());
        invalid = true;
      }
    }
    if (paths.isEmpty() || (passed + failed == 0 && !invalid)) {
      err.println("error: no *.test.yaml file found in " + paths);
      invalid = true;
    }
    out.println(passed + " passed, " + failed + " failed");
    return invalid ? RollbackGuard.INVALID : failed > 0 ? RollbackGuard.PROBLEMS : RollbackGuard.OK;
  }

  /** The one test named {@link #verdict}, simulated with the status the operator would record, printed as YAML. */
  private int printVerdict(PrintWriter out, PrintWriter err) {
    long origin;
    try {
      origin = rolloutAt == null ? 0 : Instant.parse(rolloutAt).toEpochMilli();
    } catch (DateTimeParseException e) {
      err.println("error: --rollout-at: '" + rolloutAt + "' is not an RFC 3339 time (e.g. 2026-11-27T14:30:00Z)");
      return RollbackGuard.INVALID;
    }
    List<PolicyTestFile> matching = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Path file : testFiles(err)) {
      try {
        PolicyTestFile f = PolicyTestFile.load(file, input.reader(System.in));
        for (TestCase t : f.tests()) {
          names.add(t.name());
          if (t.name().equals(verdict)) {
            matching.add(f);
          }
        }
      } catch (PolicyTestFile.InvalidTestFileException e) {
        err.println("error: " + e.getMessage());
        return RollbackGuard.INVALID;
      }
    }
    if (matching.size() != 1) {
      err.println("error: " + (matching.isEmpty() ? "no test is named '" + verdict + "' in " + paths + " (tests: "
          + String.join(", ", names) + ")" : matching.size() + " tests are named '" + verdict + "' (in "
          + matching.stream().map(f -> f.file().toString()).distinct().collect(Collectors.joining(", "))
          + "); name the file, and give the tests distinct names"));
      return RollbackGuard.INVALID;
    }
    PolicyTestFile file = matching.get(0);
    TestCase test = file.tests().stream().filter(t -> t.name().equals(verdict)).findFirst().orElseThrow();
    try {
      PolicyTestRunner.Simulation s = new PolicyTestRunner().simulate(file, test, origin, true);
      out.print(VerdictDocument.yaml(file, s));
      PolicyTestRunner.Outcome outcome = PolicyTestRunner.outcome(s);
      err.println(outcome.text());
      return outcome.passed() ? RollbackGuard.OK : RollbackGuard.PROBLEMS;
    } catch (PolicyTestFile.InvalidTestFileException e) {
      err.println("error: " + e.getMessage());
      return RollbackGuard.INVALID;
    }
  }

  /** Files as given; directories are searched for *.test.yaml. A missing path is reported and counts as invalid. */
  private List<Path> testFiles(PrintWriter err) {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          walk.filter(f -> f.getFileName().toString().endsWith(".test.yaml")).sorted().forEach(files::add);
        } catch (IOException e) {
          err.println("error: cannot read " + p + ": " + e.getMessage());
        }
      } else {
        files.add(p);
      }
    }
    return files;
  }
}
