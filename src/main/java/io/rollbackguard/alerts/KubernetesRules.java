package io.rollbackguard.alerts;

import io.rollbackguard.verdict.Signals;

/**
 * The kube-state-metrics form of each Kubernetes signal, for a standing rule: what the operator reads from the API
 * server during a rollout, read from the series kube-state-metrics exports. They cover every Deployment and pod of
 * the namespace: kube-state-metrics carries no Deployment labels unless told to (its label allow-list), so the
 * policy's selector cannot be applied.
 */
final class KubernetesRules {
  /** A rule's expression and the text of its summary, with the labels the expression keeps. */
  record Shape(String alert, String expr, String summary) {}

  /** Restarts in this window above {@link #RESTARTS} count as crash looping, the back-off not shown yet. */
  static final String RESTART_WINDOW = "15m";
  static final int RESTARTS = 3;

  private KubernetesRules() {}

  /** The shape for a Kubernetes signal, or null for one that has no kube-state-metrics form. */
  static Shape of(String signal, String namespace) {
    String ns = "namespace=\"" + PromqlText.string(namespace) + "\"";
    switch (signal) {
      case Signals.CRASH_LOOPING:
        // The operator's rule: a container in CrashLoopBackOff, or restarts growing; a standing rule needs more than
        // one restart, or it would page on every restart.
        return new Shape("RollbackGuardPodCrashLooping",
            "max by (namespace, pod) (kube_pod_container_status_waiting_reason{" + ns
                + ",reason=\"CrashLoopBackOff\"}) == 1 or max by (namespace, pod) (increase("
                + "kube_pod_container_status_restarts_total{" + ns + "}[" + RESTART_WINDOW + "])) > " + RESTARTS,
            "pod {{ $labels.pod }} ({{ $labels.namespace }}) is crash looping: CrashLoopBackOff, or more than "
                + RESTARTS + " restarts in " + RESTART_WINDOW);
      case Signals.SERVICE_DOWN:
        return new Shape("RollbackGuardServiceDown",
            "kube_deployment_status_replicas_available{" + ns + "} == 0 and on (namespace, deployment) "
                + "kube_deployment_spec_replicas{" + ns + "} > 0",
            "{{ $labels.deployment }} ({{ $labels.namespace }}) has no available replica");
      case Signals.ROLLOUT_STUCK:
        return new Shape("RollbackGuardRolloutStuck",
            "kube_deployment_status_condition{" + ns + ",condition=\"Progressing\",status=\"false\"} == 1",
            "the rollout of {{ $labels.deployment }} ({{ $labels.namespace }}) is stuck: Progressing=False"
                + " (ProgressDeadlineExceeded)");
      default:
        return null;
    }
  }
}
