package io.rollbackguard.operator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.rollbackguard.api.status.DeploymentStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code rollbackguard_recommendation{namespace,policy,deployment,action} 1}, one series per guarded Deployment,
 * so Alertmanager can page on {@code action=~"Rollback.*"}.
 */
public final class RecommendationGauges {
  private final MultiGauge gauge;
  private final Map<String, List<MultiGauge.Row<?>>> rowsByPolicy = new ConcurrentHashMap<>();

  public RecommendationGauges(MeterRegistry registry) {
    this.gauge = MultiGauge.builder("rollbackguard_recommendation")
        .description("1 per guarded Deployment, labelled with its recommended action").register(registry);
  }

  public synchronized void update(String namespace, String policy, List<DeploymentStatus> targets) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (DeploymentStatus d : targets) {
      rows.add(MultiGauge.Row.of(Tags.of("namespace", namespace, "policy", policy, "deployment", d.name,
          "action", d.action == null ? "None" : d.action.name()), 1));
    }
    rowsByPolicy.put(namespace + "/" + policy, rows);
    publish();
  }

  /** Drops the series of policies that no longer exist. */
  public synchronized void retainOnly(Set<String> namespacedPolicies) {
    if (rowsByPolicy.keySet().retainAll(namespacedPolicies)) {
      publish();
    }
  }

  private void publish() {
    List<MultiGauge.Row<?>> all = new ArrayList<>();
    rowsByPolicy.values().forEach(all::addAll);
    gauge.register(all, true);
  }
}
