package io.rollbackguard.operator;

import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.signals.BaselineQueries;
import io.rollbackguard.signals.PrometheusClient;
import io.rollbackguard.signals.PrometheusSignals;
import io.rollbackguard.verdict.BaselineSamples;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baselines of the regression criteria (DESIGN §1b), fetched once per rollout: for each signal a regression reads,
 * one range query for all the policy's rollouts that lack it ({@link BaselineQueries}: per Deployment only for a
 * {{deployment}} template), on the sampler's query threads with the instant queries' deadline, never on a reconcile
 * thread.
 *
 * <p>Kept in memory, not in status: an hour at 5s is 720 points a signal, more than a verdict's 8 KiB can spare,
 * and Prometheus still has them, so a restarted operator (or a new leader) fetches them again. A failed fetch leaves
 * the regression inconclusive, never healthy, and is tried again after {@link #RETRY_MILLIS}.
 */
final class RolloutBaselines {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutBaselines.class);
  static final long RETRY_MILLIS = 30_000;

  /** One rollout's baselines, signal → samples; a new rollout of the target gets a new one. */
  static final class Kept {
    final Map<String, BaselineSamples> bySignal = new ConcurrentHashMap<>();
    /** Signals being fetched now. */
    final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    volatile long retryAt;
  }

  /** A rollout that may need baselines: what the query needs of it, and where they are kept. */
  record Rollout(PrometheusSignals.Target target, Kept kept) {}

  private final Clock clock;
  private final ExecutorService queries;
  private final BiConsumer<String, String> wake;
  private final AtomicInteger requests = new AtomicInteger();

  /** @param wake called with (namespace, deployment) when a baseline arrived (or failed) for it */
  RolloutBaselines(Clock clock, ExecutorService queries, BiConsumer<String, String> wake) {
    this.clock = clock;
    this.queries = queries;
    this.wake = wake;
  }

  /** Range queries sent so far. */
  int requests() {
    return requests.get();
  }

  /** Starts fetching, for every signal a regression of the policy reads, the baselines the rollouts lack. */
  void fetchMissing(String policyKey, String namespace, CompiledPolicy compiled, PrometheusClient client,
      List<Rollout> rollouts) {
    long now = clock.millis();
    for (Map.Entry<String, Long> e : compiled.policy().regressionBaselines().entrySet()) {
      String signal = e.getKey();
      List<Rollout> lacking = new ArrayList<>();
      for (Rollout r : rollouts) {
        BaselineSamples have = r.kept().bySignal.get(signal);
        boolean due = have == null || (have.unavailable() != null && now >= r.kept().retryAt);
        if (r.target().rolloutStartedAt() != Long.MIN_VALUE && due && r.kept().inFlight.add(signal)) {
          lacking.add(r);
        }
      }
      if (!lacking.isEmpty()) {
        long deadline = now + client.timeoutMillis();
        queries.execute(() -> fetch(policyKey, namespace, compiled, client, signal, e.getValue(), lacking,
            deadline));
      }
    }
  }

  private void fetch(String policyKey, String namespace, CompiledPolicy compiled, PrometheusClient client,
      String signal, long baselineMillis, List<Rollout> lacking, long deadline) {
    Map<String, Rollout> byName = new HashMap<>();
    lacking.forEach(r -> byName.put(r.target().name(), r));
    try {
      BaselineQueries.Fetched got = BaselineQueries.fetch(compiled.queries(), signal, baselineMillis, client,
          namespace, lacking.stream().map(Rollout::target).toList(), compiled.policy().intervalMillis(), deadline);
      requests.addAndGet(got.requests());
      got.byTarget().forEach((name, b) -> {
        Rollout r = byName.get(name);
        r.kept().bySignal.put(signal, b);
        if (b.unavailable() != null) {
          r.kept().retryAt = clock.millis() + RETRY_MILLIS;
          LOG.info("policy {}: Deployment {}: no baseline of {} yet: {}", policyKey, name, signal, b.unavailable());
        }
      });
    } catch (RuntimeException ex) {
      LOG.warn("policy {}: fetching the baseline of {} failed: {}", policyKey, signal, ex.toString());
    } finally {
      for (Rollout r : lacking) {
        r.kept().inFlight.remove(signal);
        wake.accept(namespace, r.target().name());
      }
    }
  }
}
