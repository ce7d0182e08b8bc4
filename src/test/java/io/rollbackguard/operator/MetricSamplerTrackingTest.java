package io.rollbackguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A policy's sampling is dropped when its last target is untracked. A target tracked at that moment, from another
 * reconcile thread, must land in the sampling that stays: one that landed in the dropped one was queried by a second,
 * orphaned fire at the same grid instant (the fleet benchmark saw 4 queries at one instant where 2 are the bound).
 */
class MetricSamplerTrackingTest {
  private static final String POLICY = "shop/web";
  private final Clock clock = Clock.systemUTC();
  // The policy is not in the catalog: nothing is ever scheduled, only the tracking is exercised.
  private final MetricSampler sampler = new MetricSampler(
      new PolicyCatalog(new OperatorSettings(Set.of(), null, null, 0)), clock, (ns, name) -> { },
      new Liveness(clock), new OperatorMetrics(new SimpleMeterRegistry()));
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  @AfterEach
  void close() {
    threads.shutdownNow();
    sampler.close();
  }

  private static MetricSampler.Target target(String name) {
    return new MetricSampler.Target(name, "2", "h2", 1_000, true, 0, 2_000);
  }

  /** Two reconcile threads, each tracking and untracking its own Deployment, so the policy empties again and again. */
  @Test
  void aTargetTrackedWhileTheLastOtherLeavesIsInThePolicysSampling() throws Exception {
    AtomicBoolean lost = new AtomicBoolean();
    Future<?> a = threads.submit(() -> churn("a", lost));
    Future<?> b = threads.submit(() -> churn("b", lost));
    a.get();
    b.get();
    assertThat(lost).as("a target that returned from track() and is not in the policy's sampling").isFalse();
  }

  private void churn(String name, AtomicBoolean lost) {
    for (int i = 0; i < 300_000 && !lost.get(); i++) {
      sampler.track(POLICY, target(name));
      if (!sampler.tracks(POLICY, name)) {
        lost.set(true);
      }
      sampler.untrack(POLICY, name);
    }
  }
}
