package io.rollbackguard.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.api.status.TimelineEntry;
import io.rollbackguard.notify.NotificationRules;
import io.rollbackguard.notify.Notifier;
import io.rollbackguard.notify.RecommendationAlert;
import io.rollbackguard.verdict.VerdictEvent;
import java.util.List;
import java.util.Optional;

/**
 * What a recorded verdict tells the world besides its status and Events: the alert it wants Alertmanager to show (the
 * notifier posts it on its own thread) and, when its deadline passed, a count on
 * {@code rollbackguard_deadlines_passed_total{namespace,policy}}.
 */
final class RecommendationAlerts {
  private static final String DEADLINE_PASSED = VerdictEvent.Type.DeadlinePassed.name();
  private final Notifier notifier;
  private final MeterRegistry registry;

  RecommendationAlerts(Notifier notifier, MeterRegistry registry) {
    this.notifier = notifier;
    this.registry = registry;
  }

  /** After the verdict's status (and so its timeline entries {@code added}) was recorded. */
  void recorded(String namespace, String policy, String deployment, NotificationRules rules,
      RolloutVerdictStatus status, List<TimelineEntry> added, long now) {
    for (TimelineEntry e : added) {
      if (DEADLINE_PASSED.equals(e.event)) {
        Counter.builder("rollbackguard_deadlines_passed").tag("namespace", namespace).tag("policy", policy)
            .description("Recommendations still active when their decideBy passed (the DeadlinePassed Event)")
            .register(registry).increment();
      }
    }
    notifier.offer(key(namespace, deployment),
        RecommendationAlert.of(namespace, deployment, policy, rules, status, now));
  }

  /** The verdict is gone: the alert it had, if any, is resolved. */
  void gone(String namespace, String deployment) {
    notifier.offer(key(namespace, deployment), Optional.empty());
  }

  private static String key(String namespace, String deployment) {
    return namespace + "/" + deployment;
  }
}
