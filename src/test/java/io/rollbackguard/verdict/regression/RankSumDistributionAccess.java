package io.rollbackguard.verdict.regression;

/** For the benchmark: the exact distribution computed afresh, past the cache. */
public final class RankSumDistributionAccess {
  private RankSumDistributionAccess() {}

  public static Object compute(int m, int n) {
    return RankSumDistribution.compute(m, n);
  }
}
