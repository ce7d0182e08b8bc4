package io.rollbackguard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rollbackguard.alerts.PrometheusRuleManifest;
import io.rollbackguard.alerts.StandingAlerts;
import io.rollbackguard.alerts.StandingRules;
import io.rollbackguard.cli.ManifestDocuments.Document;
import io.rollbackguard.cli.ManifestDocuments.FileDocuments;
import io.rollbackguard.manifest.ManifestReader;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.policy.KubernetesNames;
import io.rollbackguard.policy.PolicyCompiler;
import io.rollbackguard.policy.PolicyProblem;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "alerts", mixinStandardHelpOptions = true,
    description = "Prints a PrometheusRule (monitoring.coreos.com/v1) per RollbackPolicy: its criteria as standing"
        + " alerting rules, with the thresholds and `for` of its tiers, for teams that want the same alerts outside"
        + " rollouts. Offline; the policies are validated as lint and the operator do.",
    footer = {"", "Metric criteria read their signal's query in the grouped form, over every Deployment of the"
        + " policy's namespace (series do not carry the Deployments' labels, so the policy's selector cannot narrow"
        + " them);"
        + " a query with {{deployment}}, {{revision}} or {{podTemplateHash}} has no standing form: its criteria"
        + " are skipped with a warning on stderr. Kubernetes criteria (serviceDown, rolloutStuck, crashLooping)"
        + " read kube-state-metrics.",
        "Severity by tier: immediate critical, rapid high, evaluate warning.",
        "", "Examples:", "  rollback-guard alerts examples/checkout.yaml | kubectl apply -f -",
        "  rollback-guard alerts --label release=prometheus policies/",
        "", "Output: a YAML stream, one PrometheusRule per policy, named rollback-guard-POLICY in the policy's"
        + " namespace. Warnings and skipped documents on stderr.",
        "", "Exit codes: 0 printed (warnings allowed), 2 an invalid policy (`FILE: spec.path: message` on stderr,"
        + " nothing printed), a file that cannot be read or parsed, or no RollbackPolicy found."})
final class AlertsCommand implements Callable<Integer> {
  /** Plain scalars where YAML allows them, quotes where a scalar would read as another type. */
  private static final YAMLMapper YAML = YAMLMapper.builder().disable(YAMLGenerator.Feature.SPLIT_LINES)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .build();

  @Parameters(arity = "1..*", paramLabel = "FILE|DIR",
      description = "Manifests, or directories searched for *.yaml and *.yml (policy tests *.test.yaml skipped);"
          + " - for standard input.")
  List<Path> paths;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
      description = "The namespace of policies that name none (where kubectl would apply them).")
  String namespace;

  @Option(names = "--label", paramLabel = "KEY=VALUE",
      description = "A label for every PrometheusRule, e.g. what the Prometheus ruleSelector asks for; repeatable.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--operator-prometheus", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Whether the operator is given a Prometheus (run --prometheus-url or PROMETHEUS_URL); default"
          + " true. With --no-operator-prometheus a policy without spec.prometheus.url is judged on Kubernetes"
          + " signals alone, as the operator would, and gets no metric rules.")
  boolean operatorPrometheus;

  @Mixin InputOptions input;

  @Spec CommandSpec spec;

  /** Read for the file {@code -}; tests replace it. */
  InputStream stdin = System.in;

  private final Map<String, String> defined = new HashMap<>();
  private final List<String> printed = new ArrayList<>();
  private int errors;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String labelProblem = labelProblem();
    if (labelProblem != null || namespaceProblem() != null) {
      err.println("error: " + (labelProblem != null ? labelProblem : namespaceProblem()));
      err.flush();
      return RollbackGuard.INVALID;
    }
    ManifestReader reader = input.reader(stdin);
    for (Path file : manifests(err)) {
      alerts(reader, file, err);
    }
    if (errors > 0) {
      err.println("error: " + errors + (errors == 1 ? " problem" : " problems") + ": no PrometheusRule printed"
          + " (`rollback-guard lint` checks policies)");
    } else if (printed.isEmpty()) {
      err.println("error: no RollbackPolicy found in " + paths);
    } else {
      printed.forEach(out::print);
    }
    out.flush();
    err.flush();
    return errors > 0 || printed.isEmpty() ? RollbackGuard.INVALID : RollbackGuard.OK;
  }

  private void alerts(ManifestReader reader, Path file, PrintWriter err) {
    FileDocuments read = ManifestDocuments.readForPolicies(reader, file, "a policy test file", err);
    if (read.unreadable()) {
      errors++;
    }
    for (Document d : read.documents()) {
      if (d instanceof ManifestDocuments.Skipped s) {
        err.println(read.source() + ": skipped " + s.what());
      } else if (d instanceof ManifestDocuments.SchemaError e) {
        problem(read.label(e.name()), e.problem() + (e.where().isEmpty() ? "" : ", at " + e.where()), err);
      } else if (d instanceof ManifestDocuments.WrongKind w) {
        problem(read.label(w.name()), w.problem(), err);
      } else if (d instanceof ManifestDocuments.Policy p) {
        policy(read.label(p.name()), p, err);
      }
    }
  }

  private void policy(String label, ManifestDocuments.Policy p, PrintWriter err) {
    // The one validation the operator and lint run; metrics as --operator-prometheus says.
    CompiledPolicy compiled = PolicyCompiler.compile(p.policy(), operatorPrometheus, Map.of());
    List<PolicyProblem> problems = new ArrayList<>();
    p.apiVersionProblem().ifPresent(problems::add);
    problems.addAll(compiled.problems());
    String ns = p.namespace().isEmpty() ? namespace : p.namespace();
    if (problems.isEmpty() && ns == null) {
      problems.add(new PolicyProblem("metadata.namespace", "required here: the rules read the policy's namespace;"
          + " write it, or give -n NAMESPACE"));
    }
    if (problems.isEmpty()) {
      String first = defined.putIfAbsent(ns + "/" + p.name(), label);
      if (first != null) {
        problems.add(new PolicyProblem("metadata.name", ns + "/" + p.name() + " is defined twice (first in " + first
            + "): two PrometheusRules of the same name"));
      }
    }
    if (!problems.isEmpty()) {
      problems.forEach(problem -> problem(label, problem.toString(), err));
      return;
    }
    StandingAlerts alerts = StandingRules.of(p.name(), ns, compiled);
    for (PolicyProblem skipped : alerts.skipped()) {
      err.println(label + ": warning: " + skipped);
    }
    if (alerts.ruleCount() == 0) {
      err.println(label + ": warning: no criterion has a standing rule: the PrometheusRule has no group");
    }
    try {
      printed.add(YAML.writeValueAsString(PrometheusRuleManifest.of(alerts, labels)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void problem(String label, String problem, PrintWriter err) {
    err.println(label + ": " + problem);
    errors++;
  }

  private String labelProblem() {
    for (Map.Entry<String, String> l : labels.entrySet()) {
      String problem = KubernetesNames.labelKey(l.getKey());
      problem = problem != null ? problem : KubernetesNames.labelValue(l.getValue());
      if (problem != null) {
        return "--label " + l.getKey() + "=" + l.getValue() + ": " + problem;
      }
    }
    return null;
  }

  private String namespaceProblem() {
    String problem = namespace == null ? null : KubernetesNames.label("namespace name", namespace);
    return problem == null ? null : "--namespace: " + problem;
  }

  /** Files as given; directories are searched for manifests, policy tests left out. */
  private List<Path> manifests(PrintWriter err) {
    ManifestFiles.Found found = ManifestFiles.of(paths, err);
    errors += found.unreadableDirectories();
    return found.files();
  }
}
