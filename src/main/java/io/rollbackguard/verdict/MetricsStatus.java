package io.rollbackguard.verdict;

/** Whether the used metric signals had data at the latest sample: the MetricsAvailable condition. */
public record MetricsStatus(State state, String message) {
  public enum State { Available, Unavailable, NotConfigured, Unknown }
}
