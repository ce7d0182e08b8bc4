package io.rollbackguard.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The policy's bounded summary for `kubectl get rbp` and GitOps health, whatever it selects; each Deployment's detail
 * is in its RolloutVerdict. Written only by the operator's status writer.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RollbackPolicyStatus {
  public Long observedGeneration;

  @JsonPropertyDescription("Deployments selected and guarded by this policy.")
  public Integer targets;

  @JsonPropertyDescription("The worst recommended action over the targets.")
  public String action;

  @JsonPropertyDescription("The earliest deadline among targets whose action has one (RFC 3339).")
  public String decideBy;

  @JsonPropertyDescription("One line: which target, and why.")
  public String reason;

  @JsonPropertyDescription("Targets by phase; absent keys are 0.")
  public Map<String, Integer> phases = new TreeMap<>();

  @JsonPropertyDescription("Targets by action; absent keys are 0.")
  public Map<String, Integer> actions = new TreeMap<>();

  @JsonPropertyDescription("Ready, MetricsAvailable, RollbackRecommended.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("What on-call needs: most severe first, then earliest deadline; at most 10.")
  public List<PolicyRecommendation> recommendations = new ArrayList<>();

  @JsonPropertyDescription("Targets with an action beyond those listed in recommendations.")
  public Integer recommendationsOmitted;

  @JsonPropertyDescription("Deployments this policy selects but an older policy guards; at most 20.")
  public List<Conflict> conflicts = new ArrayList<>();

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Conflict {
    public String deployment;
    public String guardedBy;

    public Conflict() {}

    public Conflict(String deployment, String guardedBy) {
      this.deployment = deployment;
      this.guardedBy = guardedBy;
    }
  }
}
