package io.rollbackguard.notify;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One alert as Alertmanager knows it: by its labels. Any change of a label makes it another alert.
 *
 * @param startsAt epoch millis: when the recommendation first appeared
 */
public record Alert(SortedMap<String, String> labels, Map<String, String> annotations, long startsAt) {
  public Alert {
    labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    annotations = java.util.Collections.unmodifiableMap(new TreeMap<>(annotations));
  }

  /** Whether Alertmanager would take {@code other} for the same alert. */
  public boolean sameAs(Alert other) {
    return other != null && labels.equals(other.labels);
  }
}
