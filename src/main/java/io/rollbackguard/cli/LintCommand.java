package io.rollbackguard.cli;

import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.cli.ManifestDocuments.Document;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.policy.PolicyCompiler;
import io.rollbackguard.policy.PolicyProblem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "lint", mixinStandardHelpOptions = true,
    description = "Validates RollbackPolicy manifests offline with the operator's own parsing and validation: schema"
        + " (types, enums, required and unknown fields) and meaning (durations, thresholds, tier order, query"
        + " templates). For GitOps CI.",
    footer = {"", "Directories are searched for *.yaml and *.yml. Files named *.test.yaml are policy tests (see"
        + " `rollback-guard test`) and are skipped; so are documents of other kinds, with a note on stderr.",
        "", "Example:", "  rollback-guard lint examples/",
        "  rollback-guard lint policies/checkout.yaml policies/payments.yaml",
        "", "Output: one line per problem, `FILE: spec.path: message`, one per warning (allowed, but surely not"
        + " meant: e.g. a default criterion whose `for` cannot fit in the window), `FILE: warning: spec.path: message`,"
        + " then a summary. Warnings alone exit 0.",
        "", "Exit codes: 0 all valid, 1 problems found, 2 a file cannot be read or parsed",
        "(or no RollbackPolicy found at all)."})
final class LintCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Manifests, or directories searched for them.")
  List<Path> paths;

  @Spec CommandSpec spec;

  private int policies;
  private int invalidPolicies;
  private int problems;
  private int warnings;
  private int unreadableFiles;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (Path file : manifests(err)) {
      lint(file, out, err);
    }
    if (policies == 0 && unreadableFiles == 0) {
      err.println("error: no RollbackPolicy found in " + paths);
      err.flush();
      return RollbackGuard.INVALID;
    }
    out.println(summary());
    out.flush();
    err.flush();
    return unreadableFiles > 0 || policies == 0 ? RollbackGuard.INVALID
        : invalidPolicies > 0 ? RollbackGuard.PROBLEMS : RollbackGuard.OK;
  }

  private void lint(Path file, PrintWriter out, PrintWriter err) {
    if (isPolicyTest(file)) {
      err.println(file + ": skipped (a policy test file: run `rollback-guard test` on it)");
      return;
    }
    List<Document> documents;
    try {
      documents = ManifestDocuments.read(file);
    } catch (ManifestDocuments.UnreadableException e) {
      err.println("error: " + file + ": " + e.getMessage());
      unreadableFiles++;
      return;
    }
    long inFile = documents.stream().filter(d -> !(d instanceof ManifestDocuments.Skipped)).count();
    for (Document d : documents) {
      List<String> found = new ArrayList<>();
      List<PolicyProblem> warned = List.of();
      String label = file.toString();
      if (d instanceof ManifestDocuments.Skipped s) {
        err.println(file + ": skipped " + s.what());
        continue;
      } else if (d instanceof ManifestDocuments.SchemaError e) {
        label += inFile > 1 ? " (" + e.name() + ")" : "";
        found.add(e.problem() + (e.where().isEmpty() ? "" : ", at " + e.where()));
      } else if (d instanceof ManifestDocuments.Policy p) {
        label += inFile > 1 ? " (" + p.name() + ")" : "";
        CompiledPolicy compiled = compile(p.policy());
        problemsOf(p.apiVersion(), p.policy(), compiled).forEach(problem -> found.add(problem.toString()));
        warned = compiled.warnings();
      }
      policies++;
      if (!found.isEmpty()) {
        invalidPolicies++;
        problems += found.size();
      }
      for (String problem : found) {
        out.println(label + ": " + problem);
      }
      for (PolicyProblem warning : warned) {
        out.println(label + ": warning: " + warning);
      }
      warnings += warned.size();
    }
  }

  /**
   * The one validation the operator runs. Metrics count as configured so that metric criteria are checked too:
   * whether a Prometheus is given to the operator is not known here.
   */
  private static CompiledPolicy compile(RollbackPolicy policy) {
    return PolicyCompiler.compile(policy.getSpec(), true);
  }

  /** What the API server would refuse about the manifest itself, then everything the operator checks. */
  private static List<PolicyProblem> problemsOf(String apiVersion, RollbackPolicy policy, CompiledPolicy compiled) {
    List<PolicyProblem> found = new ArrayList<>();
    if (apiVersion.isEmpty()) {
      found.add(new PolicyProblem("apiVersion", "required: " + RollbackPolicy.API_VERSION));
    } else if (!RollbackPolicy.API_VERSION.equals(apiVersion)) {
      found.add(new PolicyProblem("apiVersion", "'" + apiVersion + "' is not " + RollbackPolicy.API_VERSION
          + ", the version the CRD serves"));
    }
    if (policy.getMetadata() == null || policy.getMetadata().getName() == null
        || policy.getMetadata().getName().isBlank()) {
      found.add(new PolicyProblem("metadata.name", "required"));
    }
    found.addAll(compiled.problems());
    return found;
  }

  private String summary() {
    String counted = policies + (policies == 1 ? " policy" : " policies");
    String unreadable = unreadableFiles == 0 ? ""
        : "; " + unreadableFiles + (unreadableFiles == 1 ? " file" : " files") + " unreadable";
    String warned = warnings == 0 ? "" : ", " + warnings + (warnings == 1 ? " warning" : " warnings");
    if (invalidPolicies == 0) {
      return counted + " valid" + warned + unreadable;
    }
    return invalidPolicies + " of " + counted + " invalid (" + problems + (problems == 1 ? " problem)" : " problems)")
        + warned + unreadable;
  }

  /** Files as given; directories are searched for manifests. A missing path is reported when it is read. */
  private List<Path> manifests(PrintWriter err) {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (!Files.isDirectory(p)) {
        files.add(p);
        continue;
      }
      try (Stream<Path> walk = Files.walk(p)) {
        walk.filter(Files::isRegularFile).filter(LintCommand::isManifestName).filter(f -> !isPolicyTest(f))
            .sorted().forEach(files::add);
      } catch (IOException e) {
        err.println("error: " + p + ": cannot read: " + ClusterConnection.rootMessage(e));
        unreadableFiles++;
      }
    }
    return files;
  }

  private static boolean isManifestName(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  private static boolean isPolicyTest(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".test.yaml") || name.endsWith(".test.yml");
  }
}
