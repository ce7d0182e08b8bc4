package io.rollbackguard.verdict;

import java.util.Map;

/**
 * What was seen of one target at one moment: metric readings and Kubernetes facts, plus the human annotations.
 *
 * @param metrics signal name to reading; a used signal missing here has no data
 * @param declaration the raw {@code rollbackguard.io/declare} value, or null
 * @param declarationNote {@code rollbackguard.io/declare-note}, or null
 * @param acknowledgement {@code rollbackguard.io/ack}, or null
 * @param dismissRevision {@code rollbackguard.io/dismiss}, or null
 * @param target the Deployment as kubectl names it ({@code deployment/checkout -n shop}), for the commands messages
 *     give; null when unknown
 */
public record Observation(
    Map<String, MetricReading> metrics,
    int replicas,
    int availableReplicas,
    int crashLoopingPods,
    boolean rolloutStuck,
    String declaration,
    String declarationNote,
    String acknowledgement,
    String dismissRevision,
    String target) {

  public Observation {
    metrics = metrics == null ? Map.of() : metrics;
  }

  /** An observation of a target whose name the messages need not give. */
  public Observation(Map<String, MetricReading> metrics, int replicas, int availableReplicas, int crashLoopingPods,
      boolean rolloutStuck, String declaration, String declarationNote, String acknowledgement,
      String dismissRevision) {
    this(metrics, replicas, availableReplicas, crashLoopingPods, rolloutStuck, declaration, declarationNote,
        acknowledgement, dismissRevision, null);
  }

  /** The kubectl arguments naming the Deployment, e.g. {@code deployment/checkout -n shop}. */
  public static String target(String namespace, String name) {
    return "deployment/" + name + (namespace == null ? "" : " -n " + namespace);
  }

  /** A healthy target with no metrics and no annotations. */
  public static Observation healthy(int replicas) {
    return new Observation(Map.of(), replicas, replicas, 0, false, null, null, null, null);
  }

  public MetricReading metric(String signal) {
    return metrics.get(signal);
  }

  public boolean serviceDown() {
    return replicas > 0 && availableReplicas == 0;
  }
}
