package io.rollbackguard.verdict.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One step per counted sample: which samples are looks, what a look spends. */
class RegressionWindowTest {
  static final RegressionCriterion LATENCY = RegressionCriterion.defaults("latencyP95");
  static final double[] BASELINE = RegressionCheckTest.latencies(1, 120, 1.0);
  static final double[] SLOW = RegressionCheckTest.latencies(2, 31, 1.5);

  @Test
  void belowMinSamplesIsInconclusiveAndSpendsNothing() {
    FalseAlarmBudget budget = FalseAlarmBudget.start(LATENCY);
    RegressionWindow.Step step = RegressionWindow.step(LATENCY, Arrays.copyOf(SLOW, 9), BASELINE, 1, 31, 0, budget);
    assertThat(step.look().state()).isEqualTo(RegressionOutcome.State.INCONCLUSIVE);
    assertThat(step.look().reason()).isEqualTo("9 current and 120 baseline samples, below minSamples 10");
    assertThat(step.budget()).isEqualTo(budget);
  }

  // The 10th sample of a 31-sample window: the first of 22 looks, at 0.02 / 22.
  @Test
  void theFirstLookTakesItsShare() {
    RegressionWindow.Step step = RegressionWindow.step(LATENCY, Arrays.copyOf(SLOW, 10), BASELINE, 1, 31, 0,
        FalseAlarmBudget.start(LATENCY));
    assertThat(step.look().level()).isCloseTo(0.02 / 22, within(1e-15));
    assertThat(step.budget().spent()).isCloseTo(0.02 / 22, within(1e-15));
    assertThat(step.look().currentSamples()).isEqualTo(10);
  }

  // With a watch of 30 looks that keeps the criterion, the window's first look is the first of 22 + 30.
  @Test
  void theWatchsLooksArePlannedFromTheWindowsFirst() {
    RegressionWindow.Step step = RegressionWindow.step(LATENCY, Arrays.copyOf(SLOW, 10), BASELINE, 1, 31, 30,
        FalseAlarmBudget.start(LATENCY));
    assertThat(step.look().level()).isCloseTo(0.02 / 52, within(1e-15));
  }

  // The watch's last look has what the window and the watch's earlier looks left, whole.
  @Test
  void aWatchLookTakesItsShareOfWhatIsLeft() {
    RegressionWindow.Step last = RegressionWindow.look(LATENCY, SLOW, BASELINE, true, 1,
        new FalseAlarmBudget(0.02, 0.015));
    assertThat(last.look().level()).isCloseTo(0.005, within(1e-15));
    assertThat(last.budget().remaining()).isZero();
    RegressionWindow.Step missed = RegressionWindow.look(LATENCY, SLOW, BASELINE, false, 4,
        new FalseAlarmBudget(0.02, 0.015));
    assertThat(missed.look().state()).isEqualTo(RegressionOutcome.State.INCONCLUSIVE);
    assertThat(missed.budget().spent()).isEqualTo(0.015);
  }

  // A watch's looks are its used samples, as a window's are.
  @ParameterizedTest(name = "{0} watch samples at stride {1}: {2} looks")
  @CsvSource({"0, 1, 0", "30, 1, 30", "30, 2, 15", "31, 2, 16", "1, 4, 1"})
  void watchLooks(int samples, int stride, int looks) {
    assertThat(SampleSpacing.usedCount(samples, stride)).isEqualTo(looks);
  }

  // A watch look compares a window's worth of the latest samples: 31, never fewer than minSamples nor more than 64.
  @ParameterizedTest(name = "a window of {0} used samples: watch looks compare {1}")
  @CsvSource({"31, 31", "4, 10", "200, 64"})
  void watchedSamples(int windowUsed, int compared) {
    assertThat(RegressionWindow.watchedSamples(LATENCY, windowUsed)).isEqualTo(compared);
  }

  // Stride 2: samples at indexes 0, 2, 4, … are used; the others are no look, and the baseline is thinned alike.
  @Test
  void samplesBetweenUsedOnesAreNoLook() {
    FalseAlarmBudget budget = FalseAlarmBudget.start(LATENCY);
    RegressionWindow.Step between = RegressionWindow.step(LATENCY, Arrays.copyOf(SLOW, 20), BASELINE, 2, 31, 0,
        budget);
    assertThat(between.isLook()).isFalse();
    assertThat(between.budget()).isEqualTo(budget);
    RegressionWindow.Step used = RegressionWindow.step(LATENCY, Arrays.copyOf(SLOW, 19), BASELINE, 2, 31, 0, budget);
    assertThat(used.isLook()).isTrue();
    assertThat(used.look().currentSamples()).isEqualTo(10);
    assertThat(used.look().baselineSamples()).isEqualTo(60);
    assertThat(used.look().level()).isCloseTo(0.02 / 7, within(1e-15)); // 16 used samples, looks from the 10th
  }

  @Test
  void anInconclusiveSampleIsNoEvidenceAndSpendsNothing() {
    double[] window = Arrays.copyOf(SLOW, 15);
    window[14] = Double.NaN;
    FalseAlarmBudget budget = new FalseAlarmBudget(0.02, 0.004);
    RegressionWindow.Step step = RegressionWindow.step(LATENCY, window, BASELINE, 1, 31, 0, budget);
    assertThat(step.look().state()).isEqualTo(RegressionOutcome.State.INCONCLUSIVE);
    assertThat(step.budget()).isEqualTo(budget);
  }

  @Test
  void aSlowRevisionIsBreachedAndAHealthyOneIsNot() {
    assertThat(RegressionWindow.step(LATENCY, SLOW, BASELINE, 1, 31, 0, new FalseAlarmBudget(0.02, 0.019)).look()
        .breached()).isTrue();
    double[] healthy = RegressionCheckTest.latencies(3, 31, 1.0);
    assertThat(RegressionWindow.step(LATENCY, healthy, BASELINE, 1, 31, 0, new FalseAlarmBudget(0.02, 0.019)).look()
        .breached()).isFalse();
  }
}
