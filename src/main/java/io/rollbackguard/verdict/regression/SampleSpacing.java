package io.rollbackguard.verdict.regression;

import java.util.Arrays;

/**
 * Which samples the rank test may treat as independent. A sample is a rate over {@code rateWindow}
 * ({@code {{window}}}); two samples closer than that share requests, so they are correlated and the rank test,
 * which assumes independent values, would over-count the evidence. The test therefore uses every
 * {@code stride}-th sample of the grid, stride = ⌈rateWindow ÷ interval⌉, on both sides, and looks only when such a
 * sample arrives. What it still assumes: samples at least {@code rateWindow} apart are independent (their rates
 * share no request; slow drifts within the baseline hour are not modelled).
 */
public final class SampleSpacing {
  private SampleSpacing() {}

  /** ⌈rateWindow ÷ interval⌉, at least 1. */
  public static int stride(long intervalMillis, long rateWindowMillis) {
    if (intervalMillis <= 0) {
      throw new IllegalArgumentException("interval must be positive");
    }
    if (rateWindowMillis <= intervalMillis) {
      return 1;
    }
    return (int) Math.min(Integer.MAX_VALUE, (rateWindowMillis + intervalMillis - 1) / intervalMillis);
  }

  /** Whether the sample with this 0-based index among the window's counted samples is one the test uses. */
  public static boolean isUsed(int sampleIndex, int stride) {
    return sampleIndex % stride == 0;
  }

  /**
   * The values at indexes 0, stride, 2·stride, … that are finite (a NaN marks an inconclusive sample), in order.
   * Index 0 is the window's first counted sample, or the baseline range's first point.
   */
  public static double[] used(double[] samples, int stride) {
    double[] out = new double[(samples.length + stride - 1) / stride];
    int k = 0;
    for (int i = 0; i < samples.length; i += stride) {
      if (Double.isFinite(samples[i])) {
        out[k++] = samples[i];
      }
    }
    return Arrays.copyOf(out, k);
  }

  /** How many of {@code samples} counted samples the test uses: every stride-th from the first, ⌈samples ÷ stride⌉. */
  public static long usedCount(long samples, int stride) {
    return samples <= 0 ? 0 : (samples + stride - 1) / stride;
  }

  /**
   * How many looks a window can have: the used samples among its {@code countedSamples}, from the
   * {@code minSamples}-th on (fewer: no look, the criterion is inconclusive). At least 1.
   */
  public static int plannedLooks(int countedSamples, int stride, int minSamples) {
    int used = (int) usedCount(countedSamples, stride);
    return Math.max(1, used - minSamples + 1);
  }
}
