package io.rollbackguard.policytest;

import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.policy.PolicyCompiler;
import io.rollbackguard.policytest.PolicyTestFile.Annotation;
import io.rollbackguard.policytest.PolicyTestFile.Deployment;
import io.rollbackguard.policytest.PolicyTestFile.Expect;
import io.rollbackguard.policytest.PolicyTestFile.InvalidTestFileException;
import io.rollbackguard.policytest.PolicyTestFile.TestCase;
import io.rollbackguard.procedure.Procedure;
import io.rollbackguard.procedure.ProcedureWriter;
import io.rollbackguard.procedure.RolloutContext;
import io.rollbackguard.verdict.Action;
import io.rollbackguard.verdict.DurationFormat;
import io.rollbackguard.verdict.EvaluationState;
import io.rollbackguard.verdict.Evaluation;
import io.rollbackguard.verdict.Finding;
import io.rollbackguard.verdict.MetricReading;
import io.rollbackguard.verdict.Observation;
import io.rollbackguard.verdict.Policy;
import io.rollbackguard.verdict.Verdict;
import io.rollbackguard.verdict.VerdictEngine;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Runs policy unit tests with a simulated clock, through exactly the engine and procedure writer the operator uses.
 * The rollout starts at t=0, an instant of every interval's grid, so sample i is at i × interval.
 */
public final class PolicyTestRunner {
  private final ProcedureWriter procedures = new ProcedureWriter();

  /** One test's result: passed when there are no failures. */
  public record Outcome(String name, List<String> failures, String findings) {
    public boolean passed() {
      return failures.isEmpty();
    }

    /** {@code PASS name} or {@code FAIL name: expected ..., got ... (findings)}. */
    public String line() {
      return passed() ? "PASS " + name
          : "FAIL " + name + ": " + String.join("; ", failures) + " (findings: " + findings + ")";
    }
  }

  public List<Outcome> run(PolicyTestFile file) throws InvalidTestFileException {
    List<Outcome> outcomes = new ArrayList<>();
    for (TestCase test : file.tests()) {
      outcomes.add(run(file, test));
    }
    return outcomes;
  }

  private Outcome run(PolicyTestFile file, TestCase test) throws InvalidTestFileException {
    Set<String> known = knownSignals(file);
    boolean metricSeries = false;
    for (String signal : test.series().keySet()) {
      if (!known.contains(signal)) {
        throw new InvalidTestFileException(file.file() + ": test '" + test.name() + "': series." + signal
            + ": unknown signal (known: " + String.join(", ", known) + ")");
      }
      metricSeries |= !PolicyTestFile.KUBERNETES_SERIES.contains(signal);
    }
    CompiledPolicy compiled = PolicyCompiler.compile(file.policy().getSpec(), metricSeries);
    if (!compiled.valid()) {
      throw new InvalidTestFileException(file.policyFile() + ": " + compiled.problemsText());
    }
    Policy policy = test.intervalMillis() == null ? compiled.policy()
        : compiled.policy().withInterval(test.intervalMillis());

    int samples = test.series().values().stream().mapToInt(List::size).max().orElse(0);
    long interval = policy.intervalMillis();
    long lastSampleAt = (samples - 1) * interval;
    Deployment d = test.deployment();
    EvaluationState state = EvaluationState.forRollout(null, Long.toString(d.revision()), 0);
    Map<Action, Long> firstSeen = new EnumMap<>(Action.class);
    Verdict verdict = null;
    for (long at : evaluationTimes(test, samples, interval, lastSampleAt)) {
      Evaluation e = VerdictEngine.evaluate(policy, state, observe(test, (int) (at / interval), at), at);
      state = e.state();
      verdict = e.verdict();
      firstSeen.putIfAbsent(verdict.action(), at);
    }
    Procedure procedure = procedures.write(verdict.action(), verdict.tier(), compiled.procedure(), rollout(d));
    return new Outcome(test.name(), compare(test.expect(), verdict, firstSeen, procedure), findings(verdict));
  }

  private static Set<String> knownSignals(PolicyTestFile file) {
    Set<String> known = new TreeSet<>(PolicyTestFile.KUBERNETES_SERIES);
    known.addAll(List.of("errorRate", "latencyP95", "requestRate"));
    var signals = file.policy().getSpec() == null ? null : file.policy().getSpec().signals;
    if (signals != null && signals.custom != null) {
      signals.custom.stream().filter(c -> c != null && c.name != null).forEach(c -> known.add(c.name));
    }
    return known;
  }

  /** Every sample time, plus the moments annotations appear (they act at once); none after the last sample. */
  private static TreeSet<Long> evaluationTimes(TestCase test, int samples, long interval, long lastSampleAt) {
    TreeSet<Long> times = new TreeSet<>();
    for (int i = 0; i < samples; i++) {
      times.add(i * interval);
    }
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
   * The observation at sample {@code index}: a metric series shorter than the test has no data afterwards, a
   * Kubernetes series keeps its last value, a missing Kubernetes series is healthy.
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

  private static List<String> compare(Expect x, Verdict v, Map<Action, Long> firstSeen, Procedure procedure) {
    List<String> failures = new ArrayList<>();
    check(failures, "action", x.action(), v.action().name());
    check(failures, "tier", x.tier(), v.tier() == null ? "none" : v.tier().name());
    check(failures, "phase", x.phase(), v.phase().name());
    if (x.decideBy() != null) {
      long actual = v.decideBy() == null ? -1 : v.decideBy();
      if (actual != x.decideBy()) {
        failures.add("expected decideBy " + time(x.decideBy()) + ", got " + time(actual));
      }
    }
    if (x.firstActionAt() != null) {
      Action expected = x.action() == null ? v.action() : parseAction(x.action());
      Long actual = expected == null ? null : firstSeen.get(expected);
      if (!Objects.equals(actual, x.firstActionAt())) {
        failures.add("expected " + (expected == null ? x.action() : expected) + " first at "
            + time(x.firstActionAt()) + ", got " + (actual == null ? "never" : time(actual)));
      }
    }
    for (String text : x.procedureContains()) {
      if (!procedure.mentions(text)) {
        failures.add("expected the procedure to contain '" + text + "' (procedure: " + procedure.title() + ")");
      }
    }
    return failures;
  }

  private static void check(List<String> failures, String what, String expected, String actual) {
    if (expected != null && !expected.equals(actual)) {
      failures.add("expected " + what + " " + expected + ", got " + actual);
    }
  }

  private static Action parseAction(String name) {
    for (Action a : Action.values()) {
      if (a.name().equals(name)) {
        return a;
      }
    }
    return null;
  }

  private static String time(long millis) {
    return millis < 0 ? "none" : DurationFormat.format(millis);
  }

  private static String findings(Verdict v) {
    if (v.findings().isEmpty()) {
      return "none";
    }
    return v.findings().stream().map(PolicyTestRunner::finding).collect(Collectors.joining(", "));
  }

  private static String finding(Finding f) {
    return (f.tier() == null ? "" : f.tier() + " ") + f.state() + " " + f.message()
        + (f.since() == null ? "" : " since " + DurationFormat.format(f.since()));
  }
}
