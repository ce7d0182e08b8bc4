package io.rollbackguard.signals;

import io.rollbackguard.rollout.RolloutSnapshot;
import io.rollbackguard.verdict.MetricReading;
import io.rollbackguard.verdict.Observation;
import java.util.List;
import java.util.Map;

/** Observations that come from Kubernetes itself: availability, crash loops, a stuck rollout, human annotations. */
public final class KubernetesSignals {
  public static final String DECLARE = "rollbackguard.io/declare";
  public static final String DECLARE_NOTE = "rollbackguard.io/declare-note";
  public static final String ACK = "rollbackguard.io/ack";
  public static final String DISMISS = "rollbackguard.io/dismiss";

  /** @param restarts container restarts of the new revision's pods, now */
  public record Reading(Observation observation, int restarts) {}

  private KubernetesSignals() {}

  /**
   * @param pods the pods of the revision under observation
   * @param restartsAtLastSample null when no sample was taken for this revision yet
   */
  public static Reading observe(RolloutSnapshot s, List<PodState> pods, Integer restartsAtLastSample,
      Map<String, MetricReading> metrics) {
    int restarts = 0;
    int looping = 0;
    for (PodState p : pods) {
      restarts += p.restarts();
      if (p.crashLoopBackOff()) {
        looping++;
      }
    }
    if (looping == 0 && restartsAtLastSample != null && restarts > restartsAtLastSample) {
      looping = 1; // restarts grew between two samples: a pod is crashing, the back-off just has not shown yet
    }
    Observation o = new Observation(metrics, s.replicas(), s.availableReplicas(), looping, s.stuck(),
        s.annotation(DECLARE), s.annotation(DECLARE_NOTE), s.annotation(ACK), s.annotation(DISMISS),
        Observation.target(s.namespace(), s.name()));
    return new Reading(o, restarts);
  }
}
