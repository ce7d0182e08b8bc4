package io.rollbackguard.cli;

import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.cli.ManifestDocuments.Document;
import io.rollbackguard.cli.ManifestDocuments.FileDocuments;
import io.rollbackguard.manifest.ManifestReader;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.policy.PolicyCompiler;
import io.rollbackguard.policy.PolicyProblem;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "lint", mixinStandardHelpOptions = true,
    description = "Validates RollbackPolicy manifests offline with the operator's own parsing and validation: schema"
        + " (types, enums, required and unknown fields) and meaning (durations, thresholds, tier order, query"
        + " templates). For GitOps CI.",
    footer = {"", "Directories are searched for *.yaml and *.yml. Files named *.test.yaml are policy tests (see"
        + " `rollback-guard test`) and are skipped; so are documents of other kinds, with a note on stderr.",
        "A file is read as kubectl reads it: several documents, the items of a `kind: List`, anchors, aliases and <<"
        + " merge keys; `-` is standard input. A policy defined twice (same namespace and name) across the files is a"
        + " problem, and so is a rollbackguard.io document of another kind.",
        "", "Example:", "  rollback-guard lint examples/",
        "  rollback-guard lint policies/checkout.yaml policies/payments.yaml",
        "", "Output: one line per problem, `FILE: spec.path: message, at line N`, one per warning (allowed, but surely"
        + " not meant: e.g. a default criterion whose `for` cannot fit in the window), `FILE: warning: spec.path:"
        + " message`,"
        + " then a summary. Warnings alone exit 0.",
        "", "Exit codes: 0 all valid, 1 problems found, 2 a file cannot be read or parsed",
        "(or is over --max-file-size, or no RollbackPolicy found at all)."})
final class LintCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE|DIR",
      description = "Manifests, or directories searched for them; - for standard input.")
  List<Path> paths;

  @Mixin InputOptions input;

  @Spec CommandSpec spec;

  /** Read for the file {@code -}; tests replace it. */
  InputStream stdin = System.in;

  /** Every policy seen so far, by namespace and name, with where: the same policy in two files is a mistake. */
  private final Map<String, String> defined = new HashMap<>();

  private int policies;
  private int invalidPolicies;
  private int problems;
  private int warnings;
  private int unreadableFiles;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ManifestReader reader = input.reader(stdin);
    for (Path file : manifests(err)) {
      lint(reader, file, out, err);
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

  private void lint(ManifestReader reader, Path file, PrintWriter out, PrintWriter err) {
    FileDocuments read = ManifestDocuments.readForPolicies(reader, file,
        "a policy test file: run `rollback-guard test` on it", err);
    String source = read.source();
    if (read.unreadable()) {
      unreadableFiles++;
    }
    for (Document d : read.documents()) {
      List<String> found = new ArrayList<>();
      List<PolicyProblem> warned = List.of();
      String label = source;
      if (d instanceof ManifestDocuments.Skipped s) {
        err.println(source + ": skipped " + s.what());
        continue;
      } else if (d instanceof ManifestDocuments.SchemaError e) {
        label = read.label(e.name());
        found.add(e.problem() + (e.where().isEmpty() ? "" : ", at " + e.where()));
      } else if (d instanceof ManifestDocuments.WrongKind w) {
        label = read.label(w.name());
        found.add(w.problem());
      } else if (d instanceof ManifestDocuments.Policy p) {
        label = read.label(p.name());
        CompiledPolicy compiled = compile(p.policy());
        problemsOf(p, compiled).forEach(problem -> found.add(problem + ", at line "
            + p.placeOf().apply(problem.path()).line()));
        duplicate(source, p).ifPresent(problem -> found.add(problem.toString()));
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
    return PolicyCompiler.compile(policy, true, java.util.Map.of());
  }

  /** The apiVersion the API server would refuse, then everything the operator checks (the name included). */
  private static List<PolicyProblem> problemsOf(ManifestDocuments.Policy p, CompiledPolicy compiled) {
    List<PolicyProblem> found = new ArrayList<>();
    p.apiVersionProblem().ifPresent(found::add);
    found.addAll(compiled.problems()); // metadata.name and namespace included
    return found;
  }

  /**
   * A second policy of the same namespace and name, in any of the files: applied, the later replaces the earlier. A
   * policy without a namespace goes to the context's namespace when applied, so it is compared with others without one.
   */
  private Optional<PolicyProblem> duplicate(String source, ManifestDocuments.Policy p) {
    if (p.name().isBlank()) {
      return Optional.empty(); // already a problem of its own
    }
    String id = p.namespace().isEmpty() ? p.name() + " (no namespace)" : p.namespace() + "/" + p.name();
    String first = defined.putIfAbsent(id, source + ", line " + p.at().line());
    return first == null ? Optional.empty() : Optional.of(new PolicyProblem("metadata.name", id + " is defined twice:"
        + " at " + first + ", and here, at line " + p.at().line() + "; the one applied last replaces the other"));
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

  /** Files as given; directories are searched for manifests, policy tests left out. */
  private List<Path> manifests(PrintWriter err) {
    ManifestFiles.Found found = ManifestFiles.of(paths, err);
    unreadableFiles += found.unreadableDirectories();
    return found.files();
  }
}
