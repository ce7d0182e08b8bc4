package io.rollbackguard.operator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import java.util.List;

/** Deep copies of a verdict status, and what of it is a decision (as opposed to counters and latest values). */
final class StatusCopies {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  /** Fields that move at every sample without the decision moving: written at most every max(interval, 10 s). */
  private static final List<String> EVALUATION_COUNTERS = List.of("lastSampleAt", "sampledInterval", "samplesTaken",
      "samplesMissed", "lastSampleTaken", "conclusiveSamples");
  private static final List<String> FINDING_VALUES = List.of("observed", "observedAt", "message", "query");

  private StatusCopies() {}

  static JsonNode tree(Object status) {
    return JSON.valueToTree(status);
  }

  static RolloutVerdictStatus copy(RolloutVerdictStatus s) {
    return JSON.convertValue(JSON.valueToTree(s), RolloutVerdictStatus.class);
  }

  /**
   * A status's tree ({@link #tree}) with its counters and latest values taken out: what must be written at once when
   * it changes. The tree given is left as it is.
   */
  static JsonNode decision(JsonNode whole) {
    if (!(whole instanceof ObjectNode)) {
      return whole;
    }
    ObjectNode tree = (ObjectNode) whole.deepCopy();
    tree.remove("samples");
    if (tree.get("evaluation") instanceof ObjectNode evaluation) {
      EVALUATION_COUNTERS.forEach(evaluation::remove);
      // whether each signal had data is a decision (MetricsAvailable); its latest value is not
      if (evaluation.get("observed") instanceof ObjectNode observed) {
        ObjectNode conclusive = JSON.createObjectNode();
        observed.fields().forEachRemaining(e -> conclusive.put(e.getKey(), !e.getValue().has("reason")
            && e.getValue().has("value")));
        evaluation.set("observed", conclusive);
      }
    }
    if (tree.get("tracking") instanceof ObjectNode tracking) {
      tracking.remove("restarts");
    }
    stripValues(tree.get("findings"));
    if (tree.get("lastIncident") instanceof ObjectNode incident) {
      stripValues(incident.get("findings"));
    }
    return tree;
  }

  private static void stripValues(JsonNode findings) {
    if (findings instanceof ArrayNode list) {
      for (JsonNode f : list) {
        if (f instanceof ObjectNode o) {
          FINDING_VALUES.forEach(o::remove);
        }
      }
    }
  }
}
