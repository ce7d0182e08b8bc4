package io.rollbackguard.operator;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the operator expects to happen, and by when: a verdict's next reconcile, a policy's next sample, a sample in
 * progress. `/healthz` fails when one is overdue by more than its slack (max(3 × interval, 30 s)), so that the kubelet
 * restarts a wedged operator. An idle operator, or a standby, expects nothing and is healthy.
 */
final class Liveness {
  static final long MIN_SLACK_MILLIS = 30_000;

  private record Expectation(long at, long slackMillis) {}

  private final Clock clock;
  private final long minSlackMillis;
  private final Map<String, Expectation> expected = new ConcurrentHashMap<>();

  Liveness(Clock clock) {
    this(clock, MIN_SLACK_MILLIS);
  }

  Liveness(Clock clock, long minSlackMillis) {
    this.clock = clock;
    this.minSlackMillis = minSlackMillis;
  }

  /** {@code what} should happen at {@code at}; it is late after max(3 × interval, the minimum slack). */
  void expect(String what, long at, long intervalMillis) {
    expected.put(what, new Expectation(at, Math.max(3 * intervalMillis, minSlackMillis)));
  }

  /** It happened (or is no longer expected). */
  void met(String what) {
    expected.remove(what);
  }

  void forgetAll() {
    expected.clear();
  }

  int size() {
    return expected.size();
  }

  /** The first expectation overdue past its slack, said for a person; empty when the operator is keeping up. */
  Optional<String> overdue() {
    long now = clock.millis();
    for (Map.Entry<String, Expectation> e : expected.entrySet()) {
      Expectation x = e.getValue();
      if (now > x.at() + x.slackMillis()) {
        return Optional.of(e.getKey() + " is " + (now - x.at()) / 1000 + "s overdue (allowed "
            + x.slackMillis() / 1000 + "s)");
      }
    }
    return Optional.empty();
  }
}
