package io.rollbackguard.operator;

import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.signals.PrometheusClient;
import io.rollbackguard.signals.PrometheusSignals;
import io.rollbackguard.verdict.MetricReading;
import io.rollbackguard.verdict.Policy;
import io.rollbackguard.verdict.Sampling;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queries Prometheus for every policy on the policy's grid, on its own threads, never on a reconcile thread.
 *
 * <p>A verdict tells the sampler which instant it needs next ({@link #track}). At each grid instant at which a policy
 * has targets in a window, the sampler sends one query per used signal for all of them (grouped; per Deployment only
 * for {{deployment}} templates, at most {@link #QUERY_THREADS} at once), every query with {@code time=} the instant
 * and one hard deadline, and hands the readings to the targets, which it wakes. A query that fails or runs past the
 * deadline gives inconclusive readings, so every instant attempted has readings. Instants a target missed (a
 * restart) are read late, the most recent {@link #MAX_LATE_INSTANTS} of them.
 */
final class MetricSampler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricSampler.class);
  static final int MAX_LATE_INSTANTS = 30;
  static final int QUERY_THREADS = 8;
  private static final int FIRE_THREADS = 2;
  static final long FIRE_GRACE_MILLIS = 150;
  static final long NOT_RESOLVED_RETRY_MILLIS = 250;

  /**
   * What a query needs of one target, and which instant it needs next.
   *
   * @param fresh no sample of its window counted yet (a new rollout, not a window resumed after a restart)
   * @param interval the grid it is sampled on: the policy's interval in its window, the watch's while watched
   */
  record Target(String name, String revision, String podTemplateHash, long nextInstant, boolean fresh,
      long rolloutStartedAt, long interval) {}

  /**
   * One target's delivered readings (instant → signal → reading), the latest instant attempted for it, and the
   * baselines of its rollout (signal → samples; kept in memory only, fetched again after a restart).
   */
  private static final class Readings {
    final ConcurrentSkipListMap<Long, Map<String, MetricReading>> byInstant = new ConcurrentSkipListMap<>();
    volatile long attemptedThrough = Long.MIN_VALUE;
    volatile Target target;
    volatile RolloutBaselines.Kept baselines = new RolloutBaselines.Kept();
  }

  private final class PolicySampling {
    final String key;
    final String namespace;
    final Map<String, Readings> targets = new ConcurrentHashMap<>();
    ScheduledFuture<?> scheduled;
    long scheduledAt = Long.MAX_VALUE;
    boolean running;
    /** Not before this time (epoch ms): set while the policy's connection is not resolved yet. */
    volatile long notBefore;
    /** The latest instant queried for the policy in this process. */
    volatile long lastFired = Long.MIN_VALUE;

    PolicySampling(String key) {
      this.key = key;
      this.namespace = key.substring(0, key.indexOf('/'));
    }
  }

  private final PolicyCatalog catalog;
  private final Clock clock;
  private final BiConsumer<String, String> wake;
  private final Map<String, PolicySampling> policies = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemons("sampler-timer"));
  private final ExecutorService fires = Executors.newFixedThreadPool(FIRE_THREADS, daemons("sampler"));
  private final ExecutorService queries = Executors.newFixedThreadPool(QUERY_THREADS, daemons("sampler-query"));
  private final AtomicInteger requests = new AtomicInteger();
  private final RolloutBaselines baselines;
  private final Map<String, PolicyMetricsNote> notes = new ConcurrentHashMap<>();

  /** The latest failure of a policy's connection, for its MetricsAvailable condition. */
  record PolicyMetricsNote(long at, String problem) {}

  private final Liveness liveness;
  /** Runs first in every fire: a test hook that can wedge the sampler, to see /healthz notice. */
  volatile Runnable beforeFire = () -> { };

  private final OperatorMetrics metrics;

  /** @param wake called with (namespace, deployment) when readings for it arrived */
  MetricSampler(PolicyCatalog catalog, Clock clock, BiConsumer<String, String> wake, Liveness liveness,
      OperatorMetrics metrics) {
    this.metrics = metrics;
    this.catalog = catalog;
    this.clock = clock;
    this.wake = wake;
    this.liveness = liveness;
    this.baselines = new RolloutBaselines(clock, queries, wake);
  }

  private static String due(String policyKey) {
    return "the next sample of policy " + policyKey;
  }

  private static String running(String policyKey) {
    return "the sample of policy " + policyKey + " in progress";
  }

  /** The target is in a window and next needs {@code target.nextInstant()}. */
  void track(String policyKey, Target target) {
    PolicySampling p;
    while (true) {
      p = policies.computeIfAbsent(policyKey, PolicySampling::new);
      synchronized (p) {
        // An untrack may have found the policy's targets empty and dropped it since it was looked up: a target
        // added to a dropped one would be sampled by a second, orphaned fire at the same instant.
        if (policies.get(policyKey) != p) {
          continue;
        }
        Readings r = p.targets.computeIfAbsent(target.name(), n -> new Readings());
        Target before = r.target;
        if (before != null && (!before.revision().equals(target.revision())
            || before.rolloutStartedAt() != target.rolloutStartedAt())) {
          r.byInstant.clear();
          r.attemptedThrough = Long.MIN_VALUE;
          r.baselines = new RolloutBaselines.Kept();
        }
        r.target = target;
        r.byInstant.headMap(target.nextInstant()).clear();
        break;
      }
    }
    schedule(p);
  }

  /** The target's window closed, or it left the policy: nothing more to query for it. */
  void untrack(String policyKey, String name) {
    PolicySampling p = policies.get(policyKey);
    if (p != null) {
      p.targets.remove(name);
      if (p.targets.isEmpty()) {
        synchronized (p) {
          if (p.targets.isEmpty() && !p.running) {
            if (p.scheduled != null) {
              p.scheduled.cancel(false);
            }
            policies.remove(policyKey, p);
            liveness.met(due(policyKey));
          }
        }
      }
    }
  }

  /**
   * Which instants a verdict can process now, with their readings: every due instant up to the first one whose
   * readings have not arrived yet (instants before initialDelay need none). Metric readings for an instant never
   * attempted are not invented: the verdict waits for them.
   */
  Sampling sampling(String policyKey, String name, Policy policy, EvaluationState state, long now) {
    PolicySampling p = policies.get(policyKey);
    Readings r = p == null ? null : p.targets.get(name);
    Map<Long, Map<String, MetricReading>> got = r == null || !state.revision.equals(revisionOf(r))
        ? Map.of() : new TreeMap<>(r.byInstant);
    long attempted = r == null || !state.revision.equals(revisionOf(r)) ? Long.MIN_VALUE : r.attemptedThrough;
    long interval = policy.samplingInterval(state);
    long firstCounted = firstCounted(policy, state);
    long upTo = state.lastSampleAt;
    if (state.takesSamples()) {
      for (long t = policy.nextSampleAt(state); t <= now; t += interval) {
        if (t < firstCounted || got.containsKey(t) || t <= attempted) {
          upTo = t;
        } else {
          break;
        }
      }
    }
    return new Sampling(upTo, got, r == null || !state.revision.equals(revisionOf(r)) ? Map.of()
        : Map.copyOf(r.baselines.bySignal));
  }

  private static String revisionOf(Readings r) {
    Target t = r.target;
    return t == null ? null : t.revision();
  }

  /** The first instant whose sample counts: the first grid instant at or after initialDelay. */
  static long firstCounted(Policy policy, EvaluationState state) {
    return Policy.gridAtOrAfter(state.rolloutStartedAt + policy.initialDelayMillis(), policy.intervalMillis());
  }

  /**
   * The instant the target needs next: its next grid instant (of the watch grid while watched), or the first counted
   * one if that is later.
   */
  static long nextNeeded(Policy policy, EvaluationState state) {
    return Math.max(policy.nextSampleAt(state), firstCounted(policy, state));
  }

  /** Queries sent so far (for tests and the benchmark). */
  int requests() {
    return requests.get();
  }

  /** Range queries sent so far for baselines (for tests). */
  int baselineRequests() {
    return baselines.requests();
  }

  /** Whether the policy's sampling (the one a fire would read) tracks the target (for tests). */
  boolean tracks(String policyKey, String name) {
    PolicySampling p = policies.get(policyKey);
    return p != null && p.targets.containsKey(name);
  }

  int trackedTargets() {
    return policies.values().stream().mapToInt(p -> p.targets.size()).sum();
  }

  PolicyMetricsNote note(String policyKey) {
    return notes.get(policyKey);
  }

  /** Drops every policy that is gone. */
  void retainOnly(java.util.Set<String> policyKeys) {
    for (String key : new ArrayList<>(policies.keySet())) {
      if (!policyKeys.contains(key)) {
        PolicySampling p = policies.remove(key);
        if (p != null && p.scheduled != null) {
          p.scheduled.cancel(false);
        }
        liveness.met(due(key));
        liveness.met(running(key));
      }
    }
    notes.keySet().retainAll(policyKeys);
  }

  private long interval(String policyKey) {
    CompiledPolicy c = compiled(policyKey);
    return c == null ? 0 : c.policy().intervalMillis();
  }

  private CompiledPolicy compiled(String policyKey) {
    PolicyCatalog.Entry e = catalog.entry(policyKey);
    return e == null || !e.compiled().valid() ? null : e.compiled();
  }

  /** When the policy next has an instant to query: the earliest instant a target needs and was not attempted. */
  private long nextFire(PolicySampling p) {
    long interval = interval(p.key);
    if (interval <= 0) {
      return Long.MAX_VALUE;
    }
    long next = Long.MAX_VALUE;
    for (Readings r : p.targets.values()) {
      if (r.target != null) {
        next = Math.min(next, firstUnattempted(r));
      }
    }
    return next;
  }

  /**
   * The first instant of the target's grid that it needs and that was not attempted for it yet. On the target's own
   * grid: a watched target's instants are those of the watch interval, whatever grid the last attempt was on.
   */
  private static long firstUnattempted(Readings r) {
    long after = r.attemptedThrough == Long.MIN_VALUE ? Long.MIN_VALUE : r.attemptedThrough + 1;
    return Policy.gridAtOrAfter(Math.max(r.target.nextInstant(), after), r.target.interval());
  }

  private void schedule(PolicySampling p) {
    synchronized (p) {
      if (p.running) {
        return; // the running fire schedules the next one when it ends
      }
      long at = nextFire(p);
      if (at == Long.MAX_VALUE || (p.scheduled != null && !p.scheduled.isDone() && p.scheduledAt <= at)) {
        return;
      }
      if (p.scheduled != null) {
        p.scheduled.cancel(false);
      }
      p.scheduledAt = at;
      // A little after the instant: the query reads the instant anyway (time=), and a target that registered for it
      // a moment before joins this query rather than costing another.
      long grace = Math.min(FIRE_GRACE_MILLIS, interval(p.key) / 4);
      long delay = Math.max(Math.max(0, at + grace - clock.millis()), p.notBefore - clock.millis());
      p.scheduled = timer.schedule(() -> fires.execute(() -> fire(p)), delay, TimeUnit.MILLISECONDS);
      liveness.expect(due(p.key), at, interval(p.key));
    }
  }

  private void fire(PolicySampling p) {
    synchronized (p) {
      if (p.running) {
        return;
      }
      p.running = true;
      p.scheduledAt = Long.MAX_VALUE;
    }
    liveness.met(due(p.key));
    liveness.expect(running(p.key), clock.millis(), interval(p.key));
    try {
      beforeFire.run();
      sampleDue(p);
    } catch (RuntimeException e) {
      LOG.warn("policy {}: sampling failed: {}", p.key, e.toString());
    } finally {
      synchronized (p) {
        p.running = false;
      }
      liveness.met(running(p.key));
      if (policies.get(p.key) == p) {
        schedule(p);
      }
    }
  }

  /** Every instant due now for the policy's targets, oldest first, one query per signal per instant. */
  private void sampleDue(PolicySampling p) {
    CompiledPolicy compiled = compiled(p.key);
    if (compiled == null) {
      return;
    }
    long now = clock.millis();
    Map<Long, List<Readings>> byInstant = new TreeMap<>();
    for (Readings r : p.targets.values()) {
      if (r.target == null) {
        continue;
      }
      if (r.target.fresh() && r.attemptedThrough == Long.MIN_VALUE && r.target.nextInstant() <= p.lastFired) {
        // A rollout that registered just after its first instant was queried for the others: that instant is not
        // queried again for it alone (one query per signal per instant), it reads as not sampled. Woken now, the
        // verdict takes its Kubernetes reading for that instant on time.
        r.attemptedThrough = p.lastFired;
        wake.accept(p.namespace, r.target.name());
      }
      // Each target on its own grid: targets in their window and watched ones meet at the instants both grids share,
      // where one query per signal serves them all.
      long interval = r.target.interval();
      long current = Math.floorDiv(now, interval) * interval;
      long from = Math.max(firstUnattempted(r), current - (MAX_LATE_INSTANTS - 1) * interval);
      for (long at = from; at <= current; at += interval) {
        byInstant.computeIfAbsent(at, k -> new ArrayList<>()).add(r);
      }
    }
    if (byInstant.isEmpty()) {
      return;
    }
    PrometheusConnections.Resolved connection = catalog.connection(p.key);
    if (connection == null) {
      // Just started: the policy reconciler has not resolved the connection yet. The instants stay due (they are
      // read late in a moment) rather than being attempted, and so inconclusive, for want of a URL.
      p.notBefore = clock.millis() + NOT_RESOLVED_RETRY_MILLIS;
      return;
    }
    fetchBaselines(p, compiled, connection);
    for (Map.Entry<Long, List<Readings>> e : byInstant.entrySet()) {
      long at = e.getKey();
      p.lastFired = Math.max(p.lastFired, at);
      List<Readings> due = e.getValue();
      Map<String, Map<String, MetricReading>> readings = query(p, compiled, connection, due, at);
      if (fires.isShutdown()) {
        return; // closing: a query cut short by the shutdown is no reading of Prometheus
      }
      for (Readings r : due) {
        Map<String, MetricReading> mine = readings.getOrDefault(r.target.name(), Map.of());
        r.byInstant.put(at, mine);
        r.attemptedThrough = Math.max(r.attemptedThrough, at);
      }
    }
    // Every target that got readings is woken once, late instants included.
    byInstant.values().stream().flatMap(List::stream).distinct()
        .forEach(r -> wake.accept(p.namespace, r.target.name()));
  }

  private Map<String, Map<String, MetricReading>> query(PolicySampling p, CompiledPolicy compiled,
      PrometheusConnections.Resolved connection, List<Readings> due, long at) {
    Map<String, Map<String, MetricReading>> out = new HashMap<>();
    due.forEach(r -> out.put(r.target.name(), new HashMap<>()));
    java.util.Set<String> signals = compiled.queries().bySignal().keySet();
    String unavailable = connection.unavailable() != null ? connection.unavailable()
        : connection.problem() != null ? connection.problem()
        : connection.client() == null ? "no Prometheus configured" : null;
    if (unavailable != null) {
      notes.put(p.key, new PolicyMetricsNote(at, unavailable));
      for (String signal : signals) {
        out.values().forEach(m -> m.put(signal, MetricReading.inconclusive(unavailable)));
      }
      return out;
    }
    notes.remove(p.key);
    PrometheusClient client = connection.client();
    List<PrometheusSignals.Target> targets = due.stream().map(r -> new PrometheusSignals.Target(r.target.name(),
        r.target.revision(), r.target.podTemplateHash(), r.target.rolloutStartedAt())).toList();
    long stale = 2 * compiled.policy().intervalMillis();
    long deadline = clock.millis() + client.timeoutMillis();
    List<Future<Map<String, MetricReading>>> futures = new ArrayList<>();
    List<String> order = new ArrayList<>();
    for (String signal : signals) {
      order.add(signal);
      int sent = PrometheusSignals.perDeployment(compiled.queries(), signal) ? targets.size() : 1;
      requests.addAndGet(sent);
      String policy = p.key.substring(p.namespace.length() + 1);
      futures.add(queries.submit(() -> PrometheusSignals.sampleSignal(compiled.queries(), signal, client,
          p.namespace, targets, at, stale, deadline, (r, nanos) -> metrics.queried(p.namespace, policy, signal,
              r.ok() ? OperatorMetrics.Outcome.ok : r.timedOut() ? OperatorMetrics.Outcome.timeout
                  : OperatorMetrics.Outcome.error, nanos))));
    }
    for (int i = 0; i < futures.size(); i++) {
      String signal = order.get(i);
      Map<String, MetricReading> bySignal;
      try {
        bySignal = futures.get(i).get(Math.max(1, deadline + 1_000 - clock.millis()), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException ex) {
        futures.get(i).cancel(true);
        bySignal = Map.of();
      } catch (Exception ex) {
        bySignal = Map.of();
      }
      for (Map.Entry<String, Map<String, MetricReading>> t : out.entrySet()) {
        t.getValue().put(signal, bySignal.getOrDefault(t.getKey(),
            MetricReading.inconclusive("query failed: no answer before the sampling deadline")));
      }
    }
    return out;
  }

  /** The regressions' baselines the policy's rollouts lack, fetched once per rollout ({@link RolloutBaselines}). */
  private void fetchBaselines(PolicySampling p, CompiledPolicy compiled, PrometheusConnections.Resolved connection) {
    PrometheusClient client = connection.client();
    if (compiled.policy().regressionBaselines().isEmpty() || client == null || connection.unavailable() != null
        || connection.problem() != null) {
      return;
    }
    List<RolloutBaselines.Rollout> rollouts = new ArrayList<>();
    for (Readings r : p.targets.values()) {
      Target t = r.target;
      if (t != null) {
        rollouts.add(new RolloutBaselines.Rollout(new PrometheusSignals.Target(t.name(), t.revision(),
            t.podTemplateHash(), t.rolloutStartedAt()), r.baselines));
      }
    }
    baselines.fetchMissing(p.key, p.namespace, compiled, client, rollouts);
  }

  private static ThreadFactory daemons(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "rollback-guard-" + name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    timer.shutdownNow();
    fires.shutdownNow();
    queries.shutdownNow();
  }
}
