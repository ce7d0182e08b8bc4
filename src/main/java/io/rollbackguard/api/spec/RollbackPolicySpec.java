package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;

@JsonInclude(JsonInclude.Include.NON_NULL)
// a burnRate that only switches the default off needs no objective (lint and the operator accept it too)
@ValidationRule(value = "has(self.slo) || !has(self.tiers)"
    + " || ((!has(self.tiers.immediate) || !has(self.tiers.immediate.burnRate)"
    + " || (has(self.tiers.immediate.burnRate.disabled) && self.tiers.immediate.burnRate.disabled))"
    + " && (!has(self.tiers.rapid) || !has(self.tiers.rapid.burnRate)"
    + " || (has(self.tiers.rapid.burnRate.disabled) && self.tiers.rapid.burnRate.disabled))"
    + " && (!has(self.tiers.evaluate) || !has(self.tiers.evaluate.burnRate)"
    + " || (has(self.tiers.evaluate.burnRate.disabled) && self.tiers.evaluate.burnRate.disabled)))",
    message = "a burnRate criterion needs spec.slo.objective")
public class RollbackPolicySpec {
  @Required
  @JsonPropertyDescription("Selects the Deployments of this namespace that the policy guards.")
  public LabelSelector selector;

  @JsonPropertyDescription("The observation window opened by each rollout.")
  public ObservationSpec observation;

  @JsonPropertyDescription("Where metrics come from. Without it (and without an operator-wide URL) the policy uses Kubernetes signals alone.")
  public PrometheusSpec prometheus;

  @JsonPropertyDescription("PromQL templates for the metric signals.")
  public SignalsSpec signals;

  @JsonPropertyDescription("The service level objective: with it, burnRate criteria (and their defaults in the"
      + " immediate and rapid tiers) judge how fast a rollout spends the error budget.")
  public SloSpec slo;

  @JsonPropertyDescription("Thresholds per tier; each criterion named here replaces the default one whole.")
  public TiersSpec tiers;

  @JsonPropertyDescription("What the recommended procedure contains besides the rollback itself.")
  public ProcedureSpec procedure;

  @JsonPropertyDescription("What is sent to Alertmanager (run --alertmanager-url): routing labels and the least action"
      + " that notifies.")
  public NotificationsSpec notifications;

  @JsonPropertyDescription("True pauses the policy (maintenance, an incident handled by hand): no sampling and no new"
      + " recommendation; what is latched stays visible.")
  public Boolean suspend;

  /** Whether the policy is paused. */
  public boolean suspended() {
    return Boolean.TRUE.equals(suspend);
  }
}
