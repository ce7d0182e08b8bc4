package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** What the operator sends to Alertmanager for this policy's verdicts (run --alertmanager-url). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NotificationsSpec {
  @JsonPropertyDescription("The least action that notifies (default Evaluate).")
  public MinAction minAction;

  @JsonPropertyDescription("Labels added to every alert of this policy, for routing (e.g. team: payments). Names are"
      + " Prometheus label names and may not override the built-in labels.")
  // Names are checked by the operator and lint, not by CEL: a regex over every key of an unbounded map risks exceeding
  // the cost an API server estimates and allows for a CRD rule (not testable on the mock server).
  @ValidationRule(value = "self.size() <= 16", message = "at most 16 labels")
  public Map<String, String> labels;

  /** The actions in the severity order, None excepted: a policy that wants no alert names no Alertmanager route. */
  public enum MinAction { Evaluate, DisableFeatureFlag, RollbackRapid, RollbackImmediate }
}
