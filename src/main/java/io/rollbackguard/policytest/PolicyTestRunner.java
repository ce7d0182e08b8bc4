package io.rollbackguard.policytest;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.Procedure;
import io.rollbackguard.api.status.RolloutTracking;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.api.status.TimelineEntry;
import io.rollbackguard.operator.TargetEvaluator;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.policy.PolicyCompiler;
import io.rollbackguard.policytest.PolicyTestFile.Annotation;
import io.rollbackguard.policytest.PolicyTestFile.Deployment;
import io.rollbackguard.policytest.PolicyTestFile.Expect;
import io.rollbackguard.policytest.PolicyTestFile.InvalidTestFileException;
import io.rollbackguard.policytest.PolicyTestFile.TestCase;
import io.rollbackguard.procedure.ProcedureWriter;
import io.rollbackguard.procedure.RolloutContext;
import io.rollbackguard.rollout.StableRevisionTracker;
import io.rollbackguard.verdict.BaselineSamples;
import io.rollbackguard.verdict.DurationFormat;
import io.rollbackguard.verdict.Evaluation;
import io.rollbackguard.verdict.MetricReading;
import io.rollbackguard.verdict.Observation;
import io.rollbackguard.verdict.Policy;
import io.rollbackguard.verdict.Sampling;
import io.rollbackguard.verdict.Verdict;
import io.rollbackguard.verdict.VerdictEngine;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Runs policy unit tests with a simulated clock, through exactly the engine and procedure writer the operator uses.
 * The rollout starts at {@code origin} (t=0, epoch 0 unless asked otherwise), an instant of the test's sampling grid,
 * so sample i is at origin + i × interval; with a watch, the samples after the window's last are the multiples of
 * watch.interval after its close (DESIGN.md §1b).
 */
public final class PolicyTestRunner {
  private static final ProcedureWriter PROCEDURES = new ProcedureWriter();

  /**
   * One test's result: passed when there are no failures.
   *
   * @param details what a failure is shown with: the verdict, its findings and its procedure, one line each
   */
  public record Outcome(String name, List<String> failures, List<String> details) {
    public boolean passed() {
      return failures.isEmpty();
    }

    /** {@code PASS name}, or {@code FAIL name: expected ..., got ...} followed by the details, indented. */
    public String text() {
      if (passed()) {
        return "PASS " + name;
      }
      StringBuilder sb = new StringBuilder("FAIL " + name + ": " + String.join("; ", failures));
      details.forEach(line -> sb.append("\n    ").append(line));
      return sb.toString();
    }
  }

  /**
   * A test run to its last sample.
   *
   * @param origin the rollout's start (t=0), epoch millis
   * @param firstSeen when each action first appeared, epoch millis
   * @param status the verdict status the operator would have recorded; null unless asked for
   */
  public record Simulation(TestCase test, long origin, Verdict verdict, Map<Action, Long> firstSeen,
      Procedure procedure, RolloutVerdictStatus status) {}

  public List<Outcome> run(PolicyTestFile file) throws InvalidTestFileException {
    List<Outcome> outcomes = new ArrayList<>();
    for (TestCase test : file.tests()) {
      outcomes.add(run(file, test));
    }
    return outcomes;
  }

  public Outcome run(PolicyTestFile file, TestCase test) throws InvalidTestFileException {
    return outcome(simulate(file, test, 0, false));
  }

  /** What the simulation shows against what the test expects. */
  public static Outcome outcome(Simulation s) {
    return new Outcome(s.test().name(), compare(s), FailureReport.lines(s.verdict(), s.procedure(), s.origin()));
  }

  /**
   * Runs {@code test} with its rollout starting at {@code origin}, which must be on the test's sampling grid.
   *
   * @param withStatus also assemble the verdict status the operator would record, evaluation by evaluation
   */
  public Simulation simulate(PolicyTestFile file, TestCase test, long origin, boolean withStatus)
      throws InvalidTestFileException {
    CompiledPolicy compiled = compile(file, test);
    Policy policy = test.intervalMillis() == null ? compiled.policy()
        : compiled.policy().withInterval(test.intervalMillis());
    long interval = policy.intervalMillis();
    long grid = policy.watch().on() ? lcm(interval, policy.watch().intervalMillis()) : interval;
    if (origin % grid != 0) {
      throw new InvalidTestFileException(file.file() + ": test '" + test.name() + "': the rollout must start on its"
          + " sampling grid" + (grid == interval ? "" : " and its watch's") + ", a multiple of "
          + DurationFormat.format(grid) + " since the epoch");
    }
    int samples = test.series().values().stream().mapToInt(List::size).max().orElse(0);
    List<Long> sampleTimes = sampleTimes(policy, samples);
    long lastSampleAt = sampleTimes.get(samples - 1);
    Deployment d = test.deployment();
    RolloutContext rollout = rollout(d);
    StatusAssembly assembly = withStatus ? new StatusAssembly(compiled, d, rollout, origin) : null;
    EvaluationState state = EvaluationState.forRollout(null, Long.toString(d.revision()), origin);
    Map<Action, Long> firstSeen = new EnumMap<>(Action.class);
    Map<String, BaselineSamples> baselines = baselines(test);
    Verdict verdict = null;
    for (long at : evaluationTimes(test, sampleTimes, lastSampleAt)) {
      Observation o = observe(test, sampleIndex(sampleTimes, at), at);
      long now = origin + at;
      // on the grid the state samples on: the window's, then the watch's
      Sampling sampling = new Sampling(now, Map.of(Policy.gridAtOrBefore(now, policy.samplingInterval(state)),
          o.metrics()), baselines);
      Evaluation e = VerdictEngine.evaluate(policy, state, o, sampling, now);
      state = e.state();
      verdict = e.verdict();
      firstSeen.putIfAbsent(verdict.action(), origin + at);
      if (assembly != null) {
        assembly.record(e, origin + at);
      }
    }
    Procedure procedure = PROCEDURES.write(verdict.action(), verdict.tier(), compiled.procedure(), rollout);
    return new Simulation(test, origin, verdict, firstSeen, procedure, assembly == null ? null : assembly.status);
  }

  /** The test's {@code baseline:} series, as the operator's range query would give them (NaN: no data). */
  private static Map<String, BaselineSamples> baselines(TestCase test) {
    Map<String, BaselineSamples> out = new HashMap<>();
    test.baseline().forEach((signal, values) ->
        out.put(signal, BaselineSamples.of(values.stream().mapToDouble(Double::doubleValue).toArray())));
    return out;
  }

  /** Prometheus counts as configured when the policy names one or the test gives a metric series. */
  private static CompiledPolicy compile(PolicyTestFile file, TestCase test) throws InvalidTestFileException {
    boolean metricSeries = test.series().keySet().stream()
        .anyMatch(signal -> !PolicyTestFile.KUBERNETES_SERIES.contains(signal));
    CompiledPolicy compiled = PolicyCompiler.compile(file.policy().getSpec(), metricSeries);
    if (!compiled.valid()) {
      throw new InvalidTestFileException(file.policyFile() + ": " + compiled.problemsText());
    }
    return compiled;
  }

  /**
   * The status as the operator assembles it after each evaluation ({@link TargetEvaluator#status}): the timeline opens
   * with the rollout observed, and a window passed makes the revision the stable one.
   */
  private static final class StatusAssembly {
    private final CompiledPolicy compiled;
    private final Deployment deployment;
    private final RolloutContext rollout;
    private RolloutTracking tracking;
    private List<TimelineEntry> added = new ArrayList<>();
    private RolloutVerdictStatus status;

    StatusAssembly(CompiledPolicy compiled, Deployment d, RolloutContext rollout, long origin) {
      this.compiled = compiled;
      this.deployment = d;
      this.rollout = rollout;
      this.tracking = new RolloutTracking(d.revision(), null, d.stableRevision(), null,
          d.stableImages().isEmpty() ? null : Map.copyOf(d.stableImages()), null);
      added.add(TargetEvaluator.rolloutObserved(origin, Long.toString(d.revision()), d.images().values()));
    }

    void record(Evaluation e, long now) {
      tracking = TargetEvaluator.recordEvents(e.verdict(), tracking, deployment.images(), added);
      StableRevisionTracker.Kind change = status == null ? StableRevisionTracker.Kind.RolloutStarted
          : StableRevisionTracker.Kind.Unchanged;
      status = TargetEvaluator.status(compiled, rollout, deployment.stableImages(), tracking, status, change, e,
          added, now);
      added = new ArrayList<>();
    }
  }

  /**
   * When each of the test's samples is taken, after t=0: every interval; with a watch, every watch.interval after the
   * window's last sample (the engine's grid for a rollout started at t=0).
   */
  static List<Long> sampleTimes(Policy policy, int samples) {
    List<Long> times = new ArrayList<>(samples);
    long interval = policy.intervalMillis();
    long close = policy.watch().on() ? policy.observeUntil(0) : Long.MAX_VALUE;
    for (long at = 0; times.size() < samples && at <= close; at += interval) {
      times.add(at);
    }
    if (times.size() < samples) {
      long step = policy.watch().intervalMillis();
      for (long at = Policy.gridAtOrAfter(close + 1, step); times.size() < samples; at += step) {
        times.add(at);
      }
    }
    return times;
  }

  /** The sample whose values hold at {@code at}: the latest taken at or before it. */
  private static int sampleIndex(List<Long> sampleTimes, long at) {
    int i = java.util.Collections.binarySearch(sampleTimes, at);
    return i >= 0 ? i : -i - 2;
  }

  private static long lcm(long a, long b) {
    return a / java.math.BigInteger.valueOf(a).gcd(java.math.BigInteger.valueOf(b)).longValue() * b;
  }

  /** Every sample time, plus the moments annotations appear (they act at once); none after the last sample. */
  private static TreeSet<Long> evaluationTimes(TestCase test, List<Long> sampleTimes, long lastSampleAt) {
    TreeSet<Long> times = new TreeSet<>(sampleTimes);
    for (Annotation a : test.declarations()) {
      if (a.atMillis() <= lastSampleAt) {
        times.add(a.atMillis());
      }
    }
    for (Annotation a : test.dismissals()) {
      if (a.atMillis() <= lastSampleAt) {
        times.add(a.atMillis());
      }
    }
    return times;
  }

  /**
   * The observation at sample {@code index} ({@code at} after t=0): a metric series shorter than the test has no data
   * afterwards, a Kubernetes series keeps its last value, a missing Kubernetes series is healthy.
   */
  private static Observation observe(TestCase test, int index, long at) {
    Map<String, MetricReading> metrics = new HashMap<>();
    int replicas = test.deployment().replicas();
    int available = replicas;
    int crashLooping = 0;
    boolean stuck = false;
    for (Map.Entry<String, List<Double>> e : test.series().entrySet()) {
      List<Double> values = e.getValue();
      switch (e.getKey()) {
        case "availableReplicas": available = (int) kubernetes(values, index, replicas); break;
        case "crashLoopingPods": crashLooping = (int) kubernetes(values, index, 0); break;
        case "rolloutStuck": stuck = kubernetes(values, index, 0) > 0; break;
        default:
          double v = index < values.size() ? values.get(index) : Double.NaN;
          metrics.put(e.getKey(), Double.isNaN(v) ? MetricReading.inconclusive("no data") : MetricReading.of(v));
      }
    }
    Annotation declared = latest(test.declarations(), at);
    Annotation dismissed = latest(test.dismissals(), at);
    return new Observation(metrics, replicas, available, crashLooping, stuck,
        declared == null ? null : declared.value(), declared == null ? null : declared.note(), null,
        dismissed == null ? null : Long.toString(test.deployment().revision()),
        Observation.target(test.deployment().namespace(), test.deployment().name()));
  }

  /** A Kubernetes series' value; an empty one, or no data in it, is the healthy value. */
  private static double kubernetes(List<Double> values, int index, double healthy) {
    if (values.isEmpty()) {
      return healthy;
    }
    Double v = values.get(Math.min(index, values.size() - 1));
    return Double.isNaN(v) ? healthy : v;
  }

  private static Annotation latest(List<Annotation> annotations, long at) {
    Annotation latest = null;
    for (Annotation a : annotations) {
      if (a.atMillis() <= at && (latest == null || a.atMillis() >= latest.atMillis())) {
        latest = a;
      }
    }
    return latest;
  }

  private static RolloutContext rollout(Deployment d) {
    return new RolloutContext(d.namespace(), d.name(), d.revision(), d.stableRevision(), true, d.images(),
        d.stableImages(), d.replicas(), d.labels(), d.annotations());
  }

  private static List<String> compare(Simulation s) {
    Expect x = s.test().expect();
    Verdict v = s.verdict();
    List<String> failures = new ArrayList<>();
    check(failures, "action", x.action(), v.action().name());
    check(failures, "tier", x.tier(), v.tier() == null ? "none" : v.tier().name());
    check(failures, "phase", x.phase(), v.phase().name());
    if (x.decideBy() != null) {
      long actual = v.decideBy() == null ? -1 : v.decideBy() - s.origin();
      if (actual != x.decideBy()) {
        failures.add("expected decideBy " + time(x.decideBy()) + ", got " + time(actual));
      }
    }
    if (x.firstActionAt() != null) {
      Action expected = x.action() == null ? v.action() : Action.valueOf(x.action());
      Long seen = s.firstSeen().get(expected);
      Long actual = seen == null ? null : seen - s.origin();
      if (!Objects.equals(actual, x.firstActionAt())) {
        failures.add("expected " + expected + " first at " + time(x.firstActionAt()) + ", got "
            + (actual == null ? "never" : time(actual)));
      }
    }
    for (String text : x.procedureContains()) {
      if (!s.procedure().mentions(text)) {
        failures.add("expected the procedure to contain '" + text + "'");
      }
    }
    return failures;
  }

  private static void check(List<String> failures, String what, String expected, String actual) {
    if (expected != null && !expected.equals(actual)) {
      failures.add("expected " + what + " " + expected + ", got " + actual);
    }
  }

  private static String time(long millis) {
    return millis < 0 ? "none" : DurationFormat.format(millis);
  }
}
