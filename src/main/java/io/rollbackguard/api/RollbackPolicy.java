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
import io.rollbackguard.api.spec.RollbackPolicySpec;
import io.rollbackguard.api.status.RollbackPolicyStatus;

/** A team's rules for one set of Deployments: what to watch after each rollout, and when to advise a rollback. */
@Group(RollbackPolicy.GROUP)
@Version(RollbackPolicy.VERSION)
@Kind("RollbackPolicy")
@Plural("rollbackpolicies")
@Singular("rollbackpolicy")
@ShortNames("rbp")
// Declared here, in kubectl's order, rather than on the status fields (the generator sorts those by name).
@AdditionalPrinterColumn(name = "TARGETS", jsonPath = ".status.targets", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "ACTION", jsonPath = ".status.action")
@AdditionalPrinterColumn(name = "DECIDE-BY", jsonPath = ".status.decideBy")
@AdditionalPrinterColumn(name = "REASON", jsonPath = ".status.reason")
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class RollbackPolicy extends CustomResource<RollbackPolicySpec, RollbackPolicyStatus> implements Namespaced {
  public static final String GROUP = "rollbackguard.io";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
}
