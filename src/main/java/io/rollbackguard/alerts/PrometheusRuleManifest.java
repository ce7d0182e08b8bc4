package io.rollbackguard.alerts;

import io.rollbackguard.api.RolloutVerdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A policy's standing alerts as a prometheus-operator {@code PrometheusRule} ({@code monitoring.coreos.com/v1}):
 * plain maps in the order a person reads them, for any YAML or JSON writer. Its {@code spec} is a Prometheus rule
 * file ({@code groups:}), what {@code promtool check rules} reads.
 */
public final class PrometheusRuleManifest {
  public static final String API_VERSION = "monitoring.coreos.com/v1";
  public static final String KIND = "PrometheusRule";
  /** Not the policy's own name: a team's PrometheusRule named after its service is common. */
  public static final String NAME_PREFIX = "rollback-guard-";

  private PrometheusRuleManifest() {}

  /** @param extraLabels for a Prometheus whose ruleSelector asks for labels (e.g. {@code release: prometheus}) */
  public static Map<String, Object> of(StandingAlerts alerts, Map<String, String> extraLabels) {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put(RolloutVerdict.POLICY_LABEL, alerts.policy());
    labels.put("app.kubernetes.io/managed-by", "rollback-guard");
    labels.putAll(extraLabels);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name(alerts.policy()));
    metadata.put("namespace", alerts.namespace());
    metadata.put("labels", labels);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("apiVersion", API_VERSION);
    manifest.put("kind", KIND);
    manifest.put("metadata", metadata);
    manifest.put("spec", ruleFile(alerts));
    return manifest;
  }

  public static String name(String policy) {
    return NAME_PREFIX + policy;
  }

  /** {@code groups:}, as a Prometheus rule file has it. */
  public static Map<String, Object> ruleFile(StandingAlerts alerts) {
    List<Object> groups = new ArrayList<>();
    for (RuleGroup g : alerts.groups()) {
      List<Object> rules = new ArrayList<>();
      for (AlertingRule r : g.rules()) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("alert", r.alert());
        rule.put("expr", r.expr());
        if (r.forMillis() > 0) {
          rule.put("for", io.rollbackguard.promql.PrometheusDuration.format(r.forMillis()));
        }
        rule.put("labels", r.labels());
        rule.put("annotations", r.annotations());
        rules.add(rule);
      }
      Map<String, Object> group = new LinkedHashMap<>();
      group.put("name", g.name());
      group.put("rules", rules);
      groups.add(group);
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("groups", groups);
    return spec;
  }
}
