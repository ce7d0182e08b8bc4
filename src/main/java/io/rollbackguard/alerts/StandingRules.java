package io.rollbackguard.alerts;

import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.policy.PolicyProblem;
import io.rollbackguard.promql.PrometheusDuration;
import io.rollbackguard.signals.MetricQueries;
import io.rollbackguard.signals.QueryTemplate;
import io.rollbackguard.verdict.Criterion;
import io.rollbackguard.verdict.Policy;
import io.rollbackguard.verdict.Signals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A valid policy's criteria as standing Prometheus alerting rules: the same thresholds and {@code for} outside
 * rollouts. A metric criterion reads its signal's query in the grouped form ({{deployments}} matching every
 * Deployment of the namespace, split by the policy's groupBy label); a Kubernetes criterion reads kube-state-metrics
 * ({@link KubernetesRules}). A query that names one Deployment or one rollout ({{deployment}}, {{revision}},
 * {{podTemplateHash}}) has no standing form: its criteria are skipped, each with the reason.
 */
public final class StandingRules {
  public static final String GROUP_PREFIX = "rollback-guard";

  private StandingRules() {}

  /** @param compiled a valid policy ({@link CompiledPolicy#valid()}) */
  public static StandingAlerts of(String policyName, String namespace, CompiledPolicy compiled) {
    if (!compiled.valid()) {
      throw new IllegalArgumentException("invalid policy: " + compiled.problemsText());
    }
    Policy policy = compiled.policy();
    List<AlertingRule> metricRules = new ArrayList<>();
    List<AlertingRule> kubernetesRules = new ArrayList<>();
    List<PolicyProblem> skipped = new ArrayList<>();
    for (Criterion c : policy.criteria()) {
      if (c.burn() != null) {
        // A standing rule has no rollout age to cap its windows at: the operator judges burn rates alone.
        skipped.add(new PolicyProblem(path(c), "no standing rule for a burn rate: its windows are capped at each"
            + " rollout's age, which a standing rule does not know; the operator judges it"));
      } else if (c.regression() != null) {
        // A rank test against the hour before each rollout, with its false-alarm budget spent over the window's
        // samples: PromQL has no such comparison, and a standing rule no rollout to count from.
        skipped.add(new PolicyProblem(path(c), "no standing rule for a regression: it compares each rollout's samples"
            + " with the baseline before that rollout by a rank test, which a standing rule cannot; the operator"
            + " judges it"));
      } else if (c.condition()) {
        kubernetesRule(policyName, namespace, c, kubernetesRules, skipped);
      } else {
        metricRule(policyName, namespace, policy, compiled.queries(), c, metricRules, skipped);
      }
    }
    String group = GROUP_PREFIX + "." + namespace + "." + policyName;
    List<RuleGroup> groups = new ArrayList<>();
    if (!metricRules.isEmpty()) {
      groups.add(new RuleGroup(group + ".metrics", metricRules));
    }
    if (!kubernetesRules.isEmpty()) {
      groups.add(new RuleGroup(group + ".kubernetes", kubernetesRules));
    }
    return new StandingAlerts(policyName, namespace, groups, skipped);
  }

  /** The severity label of a tier's rules (INCIDENT-PRACTICE: roll back immediately, rapidly, or evaluate). */
  public static String severity(Tier tier) {
    switch (tier) {
      case immediate: return "critical";
      case rapid: return "high";
      default: return "warning";
    }
  }

  private static void metricRule(String policyName, String namespace, Policy policy, MetricQueries queries,
      Criterion c, List<AlertingRule> out, List<PolicyProblem> skipped) {
    QueryTemplate template = queries.bySignal().get(c.signal());
    if (template == null) {
      skipped.add(new PolicyProblem(path(c), "no query for signal '" + c.signal() + "': no rule"));
      return;
    }
    if (template.perDeployment()) {
      skipped.add(new PolicyProblem(path(c), "no standing rule: the query of " + c.signal() + " names one Deployment"
          + " or one rollout ({{deployment}}, {{revision}} or {{podTemplateHash}}), and a standing rule has neither;"
          + " to get one, write the query in the grouped form: " + queries.groupBy() + "=~\"{{deployments}}\" and"
          + " sum by (" + queries.groupBy() + ")"));
      return;
    }
    String query;
    try {
      query = render(template, namespace, queries);
    } catch (QueryTemplate.TemplateException e) {
      skipped.add(new PolicyProblem(path(c), "no rule: " + e.getMessage()));
      return;
    }
    boolean grouped = template.grouped();
    String threshold = PromqlText.number(c.threshold());
    String expr = "(" + query + ") " + (c.above() ? ">" : "<") + " " + threshold;
    String guard = "";
    if (policy.minRequestRate() > 0 && Signals.isTrafficGuarded(c.signal())) {
      QueryTemplate requests = queries.bySignal().get(Signals.REQUEST_RATE);
      if (grouped && requests != null && requests.grouped() && !requests.perDeployment()) {
        try {
          expr += " and on (" + queries.groupBy() + ") (" + render(requests, namespace, queries) + ") >= "
              + PromqlText.number(policy.minRequestRate());
          guard = " (when it serves at least " + PromqlText.number(policy.minRequestRate()) + " requests/s, the"
              + " policy's minRequestRate)";
        } catch (QueryTemplate.TemplateException e) {
          skipped.add(new PolicyProblem(path(c), "rule without the minRequestRate guard: " + e.getMessage()));
        }
      } else {
        skipped.add(new PolicyProblem(path(c), "rule without the minRequestRate guard: it needs the queries of "
            + c.signal() + " and requestRate both in the grouped form"));
      }
    }
    String who = grouped ? "{{ $labels." + queries.groupBy() + " }} (" + namespace + ")"
        : namespace + "/" + policyName;
    String breach = Signals.describe(c.signal()) + (c.above() ? " above " : " below ")
        + Signals.format(c.signal(), c.threshold());
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("summary", who + ": " + Signals.describe(c.signal()) + " " + value(c.signal())
        + (c.above() ? " > " : " < ") + Signals.format(c.signal(), c.threshold()));
    annotations.put("description", "The " + c.tier() + " tier of RollbackPolicy " + namespace + "/" + policyName
        + ": " + breach + forText(c) + guard + ". " + during(namespace, policyName, grouped, queries.groupBy()));
    annotations.put("runbook", runbook(namespace, policyName, grouped ? "{{ $labels." + queries.groupBy() + " }}"
        : null));
    out.add(new AlertingRule(metricAlert(c), expr, c.holdForMillis(), labels(policyName, namespace, c), annotations));
  }

  private static void kubernetesRule(String policyName, String namespace, Criterion c, List<AlertingRule> out,
      List<PolicyProblem> skipped) {
    KubernetesRules.Shape shape = KubernetesRules.of(c.signal(), namespace);
    if (shape == null) {
      skipped.add(new PolicyProblem(path(c), "no kube-state-metrics rule for the Kubernetes signal " + c.signal()));
      return;
    }
    boolean perDeployment = !Signals.CRASH_LOOPING.equals(c.signal());
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("summary", shape.summary());
    annotations.put("description", "The " + c.tier() + " tier of RollbackPolicy " + namespace + "/" + policyName
        + ": " + Signals.describe(c.signal()) + forText(c) + ", read from kube-state-metrics over the namespace. "
        + during(namespace, policyName, perDeployment, "deployment"));
    annotations.put("runbook", runbook(namespace, policyName, perDeployment ? "{{ $labels.deployment }}" : null));
    out.add(new AlertingRule(shape.alert(), shape.expr(), c.holdForMillis(), labels(policyName, namespace, c),
        annotations));
  }

  private static String render(QueryTemplate template, String namespace, MetricQueries queries)
      throws QueryTemplate.TemplateException {
    return template.renderForEveryDeployment(Map.of(QueryTemplate.NAMESPACE, namespace,
        QueryTemplate.WINDOW, queries.rateWindow()));
  }

  private static Map<String, String> labels(String policyName, String namespace, Criterion c) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("severity", severity(c.tier()));
    labels.put("tier", c.tier().name());
    labels.put("policy", policyName);
    labels.put("signal", c.signal());
    labels.put("namespace", namespace);
    return labels;
  }

  /** RollbackGuardHighErrorRate, RollbackGuardHighLatency, RollbackGuardLowCheckoutProbe... */
  static String metricAlert(Criterion c) {
    String name = Signals.LATENCY_P95.equals(c.signal()) ? "Latency" : camel(c.signal());
    return "RollbackGuard" + (c.above() ? "High" : "Low") + name;
  }

  /** A signal name (letters, digits, '_', '.', '-') as UpperCamelCase letters and digits. */
  static String camel(String signal) {
    StringBuilder sb = new StringBuilder();
    boolean upper = true;
    for (char ch : signal.toCharArray()) {
      if (Character.isLetterOrDigit(ch) && ch < 128) {
        sb.append(upper ? Character.toUpperCase(ch) : ch);
        upper = false;
      } else {
        upper = true;
      }
    }
    return sb.toString();
  }

  private static String value(String signal) {
    if (Signals.ERROR_RATE.equals(signal)) {
      return "{{ $value | humanizePercentage }}";
    }
    if (Signals.LATENCY_P95.equals(signal)) {
      return "{{ $value | humanizeDuration }}";
    }
    return "{{ $value }}";
  }

  private static String forText(Criterion c) {
    return c.holdForMillis() == 0 ? "" : " for " + PrometheusDuration.format(c.holdForMillis());
  }

  private static String during(String namespace, String policyName, boolean perDeployment, String label) {
    String verdict = perDeployment ? "kubectl get rv {{ $labels." + label + " }} -n " + namespace
        : "kubectl get rv -n " + namespace + " -l " + RolloutVerdict.POLICY_LABEL + "=" + policyName;
    return "During a rollout the operator judges the same criterion and records its advice in the Deployment's"
        + " RolloutVerdict (" + verdict + "); this standing rule alerts outside rollouts too.";
  }

  private static String runbook(String namespace, String policyName, String deployment) {
    return deployment != null ? "rollback-guard runbook -n " + namespace + " " + deployment
        : "rollback-guard runbook -n " + namespace + " DEPLOYMENT (the Deployments: kubectl get rv -n " + namespace
            + " -l " + RolloutVerdict.POLICY_LABEL + "=" + policyName + ")";
  }

  /** The field of the criterion, from its id ({@code rapid/errorRate}, {@code rapid/custom/0/probe}). */
  static String path(Criterion c) {
    String[] parts = c.id().split("/");
    if (parts.length >= 3 && parts[1].equals("custom")) {
      return "spec.tiers." + parts[0] + ".custom[" + parts[2] + "]";
    }
    return "spec.tiers." + c.id().replace('/', '.');
  }
}
