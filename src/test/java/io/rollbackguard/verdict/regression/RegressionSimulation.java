package io.rollbackguard.verdict.regression;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Windows of log-normal latency samples against a log-normal baseline, judged the way the engine will: one
 * {@link RegressionWindow#step} per counted sample. Fixed seeds: the figures are reproducible.
 */
final class RegressionSimulation {
  static final double SIGMA = 0.3;
  static final double MEDIAN_SECONDS = 0.2;

  /**
   * @param scale the current revision's latencies are the baseline distribution times this (1.5: the mean is 50 %
   *     higher, the shape unchanged)
   * @param correlated each sample is a rate over two intervals (interval = rateWindow ÷ 2): its log is
   *     σ·(Z<sub>i</sub> + Z<sub>i+1</sub>)/√2, so neighbours correlate at 0.5
   * @param naiveLevel when &gt; 0, every look is tested at this level instead of its share of the budget
   */
  record Scenario(double scale, double allowedChange, int stride, boolean correlated, double naiveLevel) {}

  /**
   * @param flagged windows in which the criterion breached at some sample
   * @param flaggedInWindow of those, the windows in which it breached before the watch
   * @param medianFiringSample the median over flagged windows of the first breached sample, 1-based (sample 1 is
   *     the window's first); 0 when none fired
   */
  record Result(int windows, int flagged, int flaggedInWindow, double medianFiringSample, int earliestFiringSample,
      int latestFiringSample, long millis) {}

  static Result run(Scenario scenario, int windows, int windowSamples, int baselineSamples, long seed) {
    return run(scenario, 0, scenario.scale(), windows, windowSamples, baselineSamples, seed);
  }

  /**
   * Windows followed by a watch that keeps the criterion (DESIGN §1b): {@code watchSamples} more samples, at a
   * stride of 1, each look comparing the latest window's worth of samples, the budget spread over the window's
   * looks and the watch's from the first.
   *
   * @param watchScale the watched revision's latencies in the watch (a regression that shows late: 1.0 in the
   *     window, 1.5 here); a firing sample past the window's is the watch's ({@code windowSamples + k})
   */
  static Result run(Scenario scenario, int watchSamples, double watchScale, int windows, int windowSamples,
      int baselineSamples, long seed) {
    long start = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    RegressionCriterion criterion = new RegressionCriterion("latencyP95", 3_600_000, Direction.increase,
        scenario.allowedChange(), 0.98, RegressionCriterion.DEFAULT_MIN_SAMPLES);
    int[] firing = new int[windows];
    int flagged = 0;
    for (int w = 0; w < windows; w++) {
      double[] baseline = series(random, baselineSamples, 1.0, scenario.correlated());
      double[] current = series(random, windowSamples, scenario.scale(), scenario.correlated());
      // drawn only with a watch, so that the windows without one are the same draws as before it existed
      double[] watched = watchSamples == 0 ? new double[0]
          : series(random, watchSamples, watchScale, scenario.correlated());
      int fired = firstBreach(criterion, scenario, current, baseline, windowSamples, watched);
      if (fired > 0) {
        firing[flagged++] = fired;
      }
    }
    int[] f = Arrays.copyOf(firing, flagged);
    Arrays.sort(f);
    double median = flagged == 0 ? 0
        : flagged % 2 == 1 ? f[flagged / 2] : (f[flagged / 2 - 1] + f[flagged / 2]) / 2.0;
    int inWindow = (int) Arrays.stream(f).filter(sample -> sample <= windowSamples).count();
    return new Result(windows, flagged, inWindow, median, flagged == 0 ? 0 : f[0], flagged == 0 ? 0 : f[flagged - 1],
        (System.nanoTime() - start) / 1_000_000);
  }

  private static int firstBreach(RegressionCriterion criterion, Scenario scenario, double[] current,
      double[] baseline, int plannedSamples, double[] watched) {
    FalseAlarmBudget budget = FalseAlarmBudget.start(criterion);
    int watchLooks = (int) SampleSpacing.usedCount(watched.length, 1);
    for (int taken = 1; taken <= current.length; taken++) {
      double[] window = Arrays.copyOf(current, taken);
      if (scenario.naiveLevel() > 0) {
        if (taken >= criterion.minSamples()
            && RegressionCheck.look(criterion, window, baseline, scenario.naiveLevel()).breached()) {
          return taken;
        }
        continue;
      }
      RegressionWindow.Step step = RegressionWindow.step(criterion, window, baseline, scenario.stride(),
          plannedSamples, watchLooks, budget);
      budget = step.budget();
      if (step.isLook() && step.look().breached()) {
        return taken;
      }
    }
    double[] used = SampleSpacing.used(current, scenario.stride());
    double[] baselineUsed = SampleSpacing.used(baseline, scenario.stride());
    int keep = RegressionWindow.watchedSamples(criterion, used.length);
    double[] all = Arrays.copyOf(used, used.length + watched.length);
    System.arraycopy(watched, 0, all, used.length, watched.length);
    for (int k = 0; k < watched.length; k++) {
      int end = used.length + k + 1;
      double[] latest = Arrays.copyOfRange(all, Math.max(0, end - keep), end);
      RegressionWindow.Step step = RegressionWindow.look(criterion, latest, baselineUsed, true, watchLooks - k,
          budget);
      budget = step.budget();
      if (step.look().breached()) {
        return current.length + k + 1;
      }
    }
    return 0;
  }

  private static double[] series(SplittableRandom random, int n, double scale, boolean correlated) {
    double[] v = new double[n];
    double previous = random.nextGaussian();
    for (int i = 0; i < n; i++) {
      double z = random.nextGaussian();
      double log = correlated ? (previous + z) / Math.sqrt(2) : z;
      previous = z;
      v[i] = scale * MEDIAN_SECONDS * Math.exp(SIGMA * log);
    }
    return v;
  }

  private RegressionSimulation() {}
}
