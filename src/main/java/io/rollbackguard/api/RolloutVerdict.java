package io.rollbackguard.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import io.rollbackguard.api.spec.RolloutVerdictSpec;
import io.rollbackguard.api.status.RolloutVerdictStatus;

/**
 * What the operator decided for one guarded Deployment (same name, same namespace): its current revision, the
 * evidence, the procedure to paste, the timeline, and the state a restarted operator resumes from. Written by the
 * operator only.
 */
@Group(RollbackPolicy.GROUP)
@Version(RollbackPolicy.VERSION)
@Kind("RolloutVerdict")
@Plural("rolloutverdicts")
@Singular("rolloutverdict")
@ShortNames("rv")
@AdditionalPrinterColumn(name = "POLICY", jsonPath = ".spec.policy")
@AdditionalPrinterColumn(name = "REVISION", jsonPath = ".status.revision", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "PHASE", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "ACTION", jsonPath = ".status.action")
@AdditionalPrinterColumn(name = "DECIDE-BY", jsonPath = ".status.decideBy")
@AdditionalPrinterColumn(name = "REASON", jsonPath = ".status.reason")
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class RolloutVerdict extends CustomResource<RolloutVerdictSpec, RolloutVerdictStatus> implements Namespaced {
  /** The label that names the policy guarding the Deployment now. */
  public static final String POLICY_LABEL = "rollbackguard.io/policy";
  /** Set when another policy took the verdict over: the policy it left, whose summary must drop it. */
  public static final String PREVIOUS_POLICY_ANNOTATION = "rollbackguard.io/previous-policy";
}
