package io.rollbackguard.verdict;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Drives the engine through one rollout that starts at t=0, the way the operator would: state in, state out. */
final class EngineRun {
  final Policy policy;
  EvaluationState state;
  Verdict last;
  final List<VerdictEvent> events = new ArrayList<>();

  EngineRun(Policy policy) {
    this(policy, "7");
  }

  EngineRun(Policy policy, String revision) {
    this.policy = policy;
    this.state = EvaluationState.forRollout(null, revision, 0);
  }

  Verdict at(double seconds, Obs observation) {
    Evaluation e = VerdictEngine.evaluate(policy, state, observation.build(), Math.round(seconds * 1000));
    state = e.state();
    last = e.verdict();
    events.addAll(last.events());
    return last;
  }

  /** Samples {@code observation} at every interval from {@code fromSeconds} to {@code toSeconds} inclusive. */
  Verdict every(double fromSeconds, double toSeconds, Obs observation) {
    double step = policy.intervalMillis() / 1000.0;
    for (double t = fromSeconds; t <= toSeconds + 1e-9; t += step) {
      at(t, observation);
    }
    return last;
  }

  void newRevision(String revision, double startSeconds) {
    state = EvaluationState.forRollout(state, revision, Math.round(startSeconds * 1000));
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
          dismiss);
    }
  }
}
