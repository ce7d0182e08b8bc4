package io.rollbackguard.operator;

import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.policy.PolicyCompiler;
import io.rollbackguard.policy.PolicyProblem;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every policy compiled once per generation, and the Prometheus connection its reconciler resolved last; shared by
 * the policy reconciler, the verdict reconciler and the sampler. Pure compilation only: resolving a connection reads
 * Secrets, which only the policy reconciler does ({@link #connect}).
 */
final class PolicyCatalog {
  record Entry(String uid, long generation, CompiledPolicy compiled) {}

  private final OperatorSettings settings;
  private final Map<String, Entry> compiled = new ConcurrentHashMap<>();
  private final Map<String, PrometheusConnections.Resolved> connections = new ConcurrentHashMap<>();

  PolicyCatalog(OperatorSettings settings) {
    this.settings = settings;
  }

  static String key(RollbackPolicy p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  /** The policy as the engine runs it, compiled again only when its generation (or the object) changed. */
  CompiledPolicy compiled(RollbackPolicy policy) {
    long generation = policy.getMetadata().getGeneration() == null ? 0 : policy.getMetadata().getGeneration();
    String uid = policy.getMetadata().getUid();
    Entry e = compiled.get(key(policy));
    if (e == null || e.generation() != generation || !java.util.Objects.equals(e.uid(), uid)) {
      e = new Entry(uid, generation, compile(policy));
      compiled.put(key(policy), e);
    }
    CompiledPolicy c = e.compiled();
    PrometheusConnections.Resolved connection = connections.get(key(policy));
    if (c.valid() && connection != null && connection.problem() != null) {
      return CompiledPolicy.invalid(List.of(new PolicyProblem(connection.problemPath(), connection.problem())));
    }
    return c;
  }

  private CompiledPolicy compile(RollbackPolicy policy) {
    CompiledPolicy compiled = PolicyCompiler.compile(policy, settings.prometheusUrl() != null,
        settings.defaultQueries());
    String url = policy.getSpec() == null || policy.getSpec().prometheus == null ? null
        : policy.getSpec().prometheus.url;
    if (compiled.valid() && url != null && settings.prometheusUrlAllow() != null
        && !settings.prometheusUrlAllow().matcher(url).matches()) {
      return CompiledPolicy.invalid(List.of(new PolicyProblem("spec.prometheus.url",
          "'" + url + "' is not allowed by the operator's --prometheus-url-allow")));
    }
    return compiled;
  }

  /** The compiled entry of a policy by key, as last compiled; null when none. */
  Entry entry(String policyKey) {
    return compiled.get(policyKey);
  }

  /** Records the connection the policy reconciler resolved (reading its Secrets), for the sampler. */
  void connect(RollbackPolicy policy, PrometheusConnections.Resolved resolved) {
    connections.put(key(policy), resolved);
  }

  /** The connection last resolved for the policy, or null before its reconciler resolved one. */
  PrometheusConnections.Resolved connection(String policyKey) {
    return connections.get(policyKey);
  }

  /** Drops what is kept for policies that are gone. */
  void retainOnly(Set<String> policyKeys) {
    compiled.keySet().retainAll(policyKeys);
    connections.keySet().retainAll(policyKeys);
  }

  int size() {
    return compiled.size();
  }
}
