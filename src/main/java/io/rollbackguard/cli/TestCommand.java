package io.rollbackguard.cli;

import io.rollbackguard.policytest.PolicyTestFile;
import io.rollbackguard.policytest.PolicyTestRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "test", mixinStandardHelpOptions = true,
    description = "Runs policy unit tests: sample series in, expected action out (like promtool test rules).",
    footer = {"", "Example:", "  rollback-guard test examples/checkout.test.yaml", "  rollback-guard test examples/",
        "", "Exit codes: 0 all passed, 1 a test failed, 2 a test or policy file is invalid."})
final class TestCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Test files, or directories searched for *.test.yaml.")
  List<Path> paths;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PolicyTestRunner runner = new PolicyTestRunner();
    int passed = 0;
    int failed = 0;
    boolean invalid = false;
    for (Path file : testFiles(err)) {
      try {
        for (PolicyTestRunner.Outcome o : runner.run(PolicyTestFile.load(file))) {
          out.println(o.line());
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
    out.flush();
    return invalid ? RollbackGuard.INVALID : failed > 0 ? RollbackGuard.PROBLEMS : RollbackGuard.OK;
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
