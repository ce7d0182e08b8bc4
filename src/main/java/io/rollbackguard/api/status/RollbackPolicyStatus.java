package io.rollbackguard.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What kubectl get and kubectl describe show; written only by the operator's StatusRecorder. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RollbackPolicyStatus {
  public Long observedGeneration;

  @JsonPropertyDescription("Deployments selected.")
  public Integer targets;

  @JsonPropertyDescription("The worst recommended action over the targets.")
  public String action;

  @JsonPropertyDescription("The earliest deadline among targets whose action has one (RFC 3339).")
  public String decideBy;

  @JsonPropertyDescription("One line: which target, and why.")
  public String reason;

  @JsonPropertyDescription("Ready, MetricsAvailable, RollbackRecommended.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Per selected Deployment; healthy stable targets are summarised.")
  public List<DeploymentStatus> deployments = new ArrayList<>();
}
