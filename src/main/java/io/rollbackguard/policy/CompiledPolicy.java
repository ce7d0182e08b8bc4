package io.rollbackguard.policy;

import io.rollbackguard.notify.NotificationRules;
import io.rollbackguard.procedure.ProcedureOptions;
import io.rollbackguard.signals.MetricQueries;
import io.rollbackguard.verdict.Policy;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A policy as the engine runs it, or why it cannot run.
 *
 * @param policy null when there are problems
 * @param procedure null when there are problems
 * @param queries the metric signals' queries; empty for a Kubernetes-only policy, null when there are problems
 * @param warnings what is allowed but surely not meant, e.g. a default criterion that cannot fire within the window;
 *     a policy with warnings and no problems is valid
 * @param notifications which verdicts notify Alertmanager and with what labels; null when there are problems
 */
public record CompiledPolicy(Policy policy, ProcedureOptions procedure, MetricQueries queries,
    List<PolicyProblem> problems, List<PolicyProblem> warnings, NotificationRules notifications) {
  public CompiledPolicy {
    problems = List.copyOf(problems);
    warnings = List.copyOf(warnings);
  }

  public static CompiledPolicy invalid(List<PolicyProblem> problems) {
    return invalid(problems, List.of());
  }

  /** An invalid policy still says what else it would warn about, so that one lint run shows both. */
  public static CompiledPolicy invalid(List<PolicyProblem> problems, List<PolicyProblem> warnings) {
    return new CompiledPolicy(null, null, null, problems, warnings, null);
  }

  public boolean valid() {
    return problems.isEmpty();
  }

  /** All problems on one line each, joined for a status message. */
  public String problemsText() {
    return problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("; "));
  }

  /** All warnings, joined for a status message or a log line; empty when there are none. */
  public String warningsText() {
    return warnings.stream().map(PolicyProblem::toString).collect(Collectors.joining("; "));
  }
}
