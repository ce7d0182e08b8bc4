package io.rollbackguard.operator;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.spec.RolloutVerdictSpec;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.procedure.Procedure;
import io.rollbackguard.verdict.Action;
import io.rollbackguard.verdict.EvaluationState;
import io.rollbackguard.verdict.Phase;
import io.rollbackguard.verdict.Tier;
import java.util.List;
import java.util.Map;

/**
 * What the policy controller keeps of each verdict: exactly what its summary, its verdict creation and its event
 * mapping read, as references into the object the informer received (the rest of it, samples, findings and
 * timeline, is left to the garbage collector). A policy's summary lists every one of its verdicts, every 10 s at
 * 10,000: Fabric8's {@code ReducedStateItemStore}, which this replaces, rebuilt each of them from a JSON tree, and
 * that was most of the summary's cost. A restored verdict is a fresh object around the same parts; nothing may change
 * it in place (no reader does: the summary only reads).
 */
record VerdictSummaryRecord(String namespace, String name, String uid, String resourceVersion,
    Map<String, String> labels, Map<String, String> annotations, List<OwnerReference> owners,
    RolloutVerdictSpec spec, Status status) {

  /** The status fields read; {@code observed} and {@code closedAs} are all the summary reads of the evaluation. */
  record Status(Long revision, Phase phase, Action action, Tier tier, String reason, String decideBy,
      String observeUntil, Boolean guarded, Procedure procedure, Map<String, EvaluationState.Observed> observed,
      Phase closedAs, boolean evaluated) {}

  static VerdictSummaryRecord of(RolloutVerdict v) {
    ObjectMeta m = v.getMetadata();
    RolloutVerdictStatus s = v.getStatus();
    Status status = null;
    if (s != null) {
      EvaluationState e = s.evaluation;
      status = new Status(s.revision, s.phase, s.action, s.tier, s.reason, s.decideBy, s.observeUntil, s.guarded,
          s.procedure, e == null ? null : e.observed, e == null ? null : e.closedAs, e != null);
    }
    return new VerdictSummaryRecord(CompactWorkloads.intern(m.getNamespace()), m.getName(), m.getUid(),
        m.getResourceVersion(), m.getLabels(), m.getAnnotations(), m.getOwnerReferences(), v.getSpec(), status);
  }

  RolloutVerdict restore() {
    RolloutVerdict v = new RolloutVerdict();
    ObjectMeta m = v.getMetadata();
    m.setNamespace(namespace);
    m.setName(name);
    m.setUid(uid);
    m.setResourceVersion(resourceVersion);
    m.setLabels(labels);
    m.setAnnotations(annotations);
    m.setOwnerReferences(owners);
    v.setSpec(spec);
    if (status != null) {
      RolloutVerdictStatus s = new RolloutVerdictStatus();
      s.revision = status.revision();
      s.phase = status.phase();
      s.action = status.action();
      s.tier = status.tier();
      s.reason = status.reason();
      s.decideBy = status.decideBy();
      s.observeUntil = status.observeUntil();
      s.guarded = status.guarded();
      s.procedure = status.procedure();
      if (status.evaluated()) {
        EvaluationState e = new EvaluationState();
        e.observed = status.observed();
        e.closedAs = status.closedAs();
        s.evaluation = e;
      }
      v.setStatus(s);
    }
    return v;
  }
}
