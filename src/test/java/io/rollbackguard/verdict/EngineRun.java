package io.rollbackguard.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.api.status.EvaluationState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Drives the engine through one rollout (by default started at t=0) the way the operator would: state in, state out.
 * Every evaluation checks that no event is dated after its {@code now}.
 */
final class EngineRun {
  Policy policy;
  EvaluationState state;
  Verdict last;
  final List<VerdictEvent> events = new ArrayList<>();

  EngineRun(Policy policy) {
    this(policy, "7");
  }

  EngineRun(Policy policy, String revision) {
    this(policy, revision, 0);
  }

  EngineRun(Policy policy, String revision, double startSeconds) {
    this.policy = policy;
    this.state = EvaluationState.forRollout(null, revision, millis(startSeconds));
  }

  /** A rollout of revision 7 that started at {@code startSeconds}. */
  static EngineRun startedAt(Policy policy, double startSeconds) {
    return new EngineRun(policy, "7", startSeconds);
  }

  /** The baselines the sampling brings (regression criteria); none by default. */
  Map<String, BaselineSamples> baselines = Map.of();

  Verdict at(double seconds, Obs observation) {
    long now = millis(seconds);
    if (baselines.isEmpty()) {
      return record(VerdictEngine.evaluate(policy, state, observation.build(), now), now);
    }
    Observation o = observation.build();
    Sampling sampling = new Sampling(now, Map.of(Policy.gridAtOrBefore(now, policy.intervalMillis()), o.metrics()),
        baselines);
    return record(VerdictEngine.evaluate(policy, state, o, sampling, now), now);
  }

  /**
   * The operator back from an outage at {@code seconds}: {@code current}'s Kubernetes facts (null: none) for the
   * current grid instant, and the metric readings Prometheus still had for each instant (seconds → readings).
   */
  Verdict late(double seconds, Obs current, Map<Double, Obs> metricsAt) {
    long now = millis(seconds);
    Map<Long, Map<String, MetricReading>> readings = new TreeMap<>();
    metricsAt.forEach((at, o) -> readings.put(millis(at), Map.copyOf(o.metrics)));
    Sampling sampling = new Sampling(now, readings);
    return record(VerdictEngine.evaluate(policy, state, current == null ? null : current.build(), sampling, now), now);
  }

  private Verdict record(Evaluation e, long now) {
    state = e.state();
    last = e.verdict();
    assertThat(last.events()).as("events dated after now (%s ms)", now).allSatisfy(ev ->
        assertThat(ev.at()).isLessThanOrEqualTo(now));
    events.addAll(last.events());
    return last;
  }

  private static long millis(double seconds) {
    return Math.round(seconds * 1000);
  }

  /** Samples {@code observation} at every interval from {@code fromSeconds} to {@code toSeconds} inclusive. */
  Verdict every(double fromSeconds, double toSeconds, Obs observation) {
    double step = policy.intervalMillis() / 1000.0;
    for (double t = fromSeconds; t <= toSeconds + 1e-9; t += step) {
      at(t, observation);
    }
    return last;
  }

  /** Calls the engine every second, as a busy operator might, and returns the instants (seconds) it sampled. */
  List<Long> instantsSampled(int fromSeconds, int toSeconds, java.util.function.Supplier<Obs> observation) {
    List<Long> instants = new ArrayList<>();
    for (int t = fromSeconds; t <= toSeconds; t++) {
      long before = state.lastSampleAt;
      at(t, observation.get());
      if (state.lastSampleAt != before) {
        instants.add(state.lastSampleAt / 1000);
      }
    }
    return instants;
  }

  void newRevision(String revision, double startSeconds) {
    state = EvaluationState.forRollout(state, revision, millis(startSeconds));
  }

  List<VerdictEvent.Type> eventTypes() {
    return events.stream().map(VerdictEvent::type).toList();
  }

  static Obs obs() {
    return new Obs();
  }

  /** An observation under construction; healthy by default with one replica and no metrics. */
  static final class Obs {
    final Map<String, MetricReading> metrics = new HashMap<>();
    int replicas = 1;
    int available = 1;
    int crashLooping;
    boolean stuck;
    String declare;
    String note;
    String ack;
    String dismiss;

    Obs metric(String signal, double value) {
      metrics.put(signal, MetricReading.of(value));
      return this;
    }

    Obs errorRate(double value) {
      return metric(Signals.ERROR_RATE, value);
    }

    Obs latency(double seconds) {
      return metric(Signals.LATENCY_P95, seconds);
    }

    Obs requestRate(double value) {
      return metric(Signals.REQUEST_RATE, value);
    }

    Obs failed(String signal, String reason) {
      metrics.put(signal, MetricReading.inconclusive(reason));
      return this;
    }

    Obs healthyMetrics() {
      return errorRate(0).latency(0.1).requestRate(10);
    }

    Obs replicas(int replicas, int available) {
      this.replicas = replicas;
      this.available = available;
      return this;
    }

    Obs crashLooping(int pods) {
      this.crashLooping = pods;
      return this;
    }

    Obs stuck() {
      this.stuck = true;
      return this;
    }

    Obs declare(String value) {
      this.declare = value;
      return this;
    }

    Obs note(String value) {
      this.note = value;
      return this;
    }

    Obs ack(String value) {
      this.ack = value;
      return this;
    }

    Obs dismiss(String revision) {
      this.dismiss = revision;
      return this;
    }

    Observation build() {
      return new Observation(Map.copyOf(metrics), replicas, available, crashLooping, stuck, declare, note, ack,
          dismiss, Observation.target("shop", "checkout"));
    }
  }
}
