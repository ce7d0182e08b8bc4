package io.rollbackguard.operator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.rollbackguard.api.status.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code rollbackguard_recommendation{namespace,policy,deployment,action} 1} for every guarded Deployment whose action
 * is not None, so Alertmanager can page on {@code action=~"Rollback.*"}: the series count follows the incidents, not
 * the fleet.
 */
public final class RecommendationGauges {
  private final MultiGauge gauge;
  /** namespace/deployment → (policy, action), for actions other than None. */
  private final Map<String, String[]> active = new ConcurrentHashMap<>();

  public RecommendationGauges(MeterRegistry registry) {
    this.gauge = MultiGauge.builder("rollbackguard_recommendation")
        .description("1 per guarded Deployment with a recommended action other than None, labelled with it")
        .register(registry);
  }

  public void set(String namespace, String policy, String deployment, Action action) {
    String key = namespace + "/" + deployment;
    if (action == null || action == Action.None) {
      if (active.remove(key) != null) {
        publish();
      }
      return;
    }
    String[] value = {policy, action.name()};
    String[] before = active.put(key, value);
    if (before == null || !before[0].equals(value[0]) || !before[1].equals(value[1])) {
      publish();
    }
  }

  public void remove(String namespace, String deployment) {
    if (active.remove(namespace + "/" + deployment) != null) {
      publish();
    }
  }

  /** Drops the series of policies that no longer exist. */
  public void retainPolicies(Set<String> namespacedPolicies) {
    if (active.entrySet().removeIf(e -> !namespacedPolicies.contains(
        e.getKey().substring(0, e.getKey().indexOf('/')) + "/" + e.getValue()[0]))) {
      publish();
    }
  }

  public int size() {
    return active.size();
  }

  private synchronized void publish() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    active.forEach((key, v) -> {
      int slash = key.indexOf('/');
      rows.add(MultiGauge.Row.of(Tags.of("namespace", key.substring(0, slash), "policy", v[0],
          "deployment", key.substring(slash + 1), "action", v[1]), 1));
    });
    gauge.register(rows, true);
  }
}
