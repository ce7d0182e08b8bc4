package io.rollbackguard.verdict;

import io.rollbackguard.api.status.EvaluationState.Observed;
import io.rollbackguard.api.status.EvaluationState.RegressionTrack;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.verdict.regression.FalseAlarmBudget;
import io.rollbackguard.verdict.regression.RegressionOutcome;
import io.rollbackguard.verdict.regression.RegressionWindow;
import io.rollbackguard.verdict.regression.SampleSpacing;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A regression criterion's part of a counted sample (DESIGN §1b): it keeps the samples its test uses in the
 * evaluation state, and at each of them looks ({@link RegressionWindow#step}) against the baseline the sampling
 * brings. Between used samples it keeps its latest outcome. An inconclusive look (too few samples, no baseline)
 * breaks a breach chain as any inconclusive sample does, and counts for nothing else: it is not the window's no-data
 * rule, which judges the signal itself. In the watch (§1b), when it keeps the criterion's tier, it looks at every
 * used watch sample, comparing the latest window's worth of samples ({@link RegressionWindow#watchedSamples}); the
 * budget is spread over the window's looks and the watch's from the first look on.
 */
final class RegressionLooks {
  private static final MathContext KEPT = new MathContext(6);

  private RegressionLooks() {}

  /**
   * @param baseline the signal's baseline, null when the sampling has none
   * @param at this sample's instant
   * @return the breach's description when the criterion is breached at this sample, else null
   */
  static String sample(Policy p, EvaluationState s, Criterion c, BaselineSamples baseline, long at) {
    Criterion.Regression r = c.regression();
    boolean watched = s.watching();
    int stride = r.stride(p.intervalMillis());
    RegressionTrack before = s.regressions.get(c.id());
    if (before != null && before.signal() != null && !before.signal().equals(r.signal())) {
      // an edit made the criterion compare another signal: the samples kept are of the old one; what the earlier
      // looks spent stays spent
      before = new RegressionTrack(0, List.of(), before.spent(), null, null, null, r.signal(), null);
    }
    if (!(watched ? usedInWatch(r, before, at) : SampleSpacing.isUsed(s.countedSamples() - 1, stride))) {
      return before != null && RegressionOutcome.State.BREACHED.name().equals(before.state()) ? before.message()
          : null;
    }
    List<Double> samples = before == null ? new ArrayList<>() : new ArrayList<>(before.samples());
    int slots = (before == null ? 0 : before.slots()) + (watched ? 0 : 1);
    Observed o = s.observed.get(r.signal());
    boolean conclusive = o != null && o.conclusive();
    if (conclusive) {
      samples.add(kept(o.value()));
    }
    if (watched) {
      // a window's worth of the latest samples: a regression that shows late is not diluted by the window's
      int keep = RegressionWindow.watchedSamples(r.test(),
          (int) SampleSpacing.usedCount(plannedSamples(p, s), stride));
      samples = new ArrayList<>(samples.subList(Math.max(0, samples.size() - keep), samples.size()));
    }
    double spent = before == null ? 0 : before.spent();
    double[] counted = watched ? null : window(samples, slots, conclusive, stride);
    double[] current = watched ? values(samples) : SampleSpacing.used(counted, stride);
    double[] ownBaseline = baseline == null ? new double[0] : own(r, baseline, p);
    double[] base = SampleSpacing.used(ownBaseline, stride);
    RegressionOutcome look;
    if (baseline == null || baseline.unavailable() != null) {
      look = RegressionOutcome.inconclusive(r.test().direction(), samples.size(), 0, "no baseline: "
          + (baseline == null ? "not fetched yet" : baseline.unavailable()));
    } else {
      FalseAlarmBudget budget = new FalseAlarmBudget(r.test().alpha(), spent);
      RegressionWindow.Step step = watched
          ? RegressionWindow.look(r.test(), current, base, conclusive, watchLooksLeft(p, s, r, at), budget)
          : RegressionWindow.step(r.test(), counted, ownBaseline, stride, plannedSamples(p, s),
              watchLooks(p, c, p.observeUntil(s.rolloutStartedAt)), budget);
      look = step.look();
      spent = step.budget().spent();
    }
    String message = describe(c, look, current, base);
    s.regressions.put(c.id(), new RegressionTrack(slots, List.copyOf(samples), spent, look.state().name(),
        Double.isNaN(look.changeOfMeans()) ? null : look.changeOfMeans(), message, r.signal(), at));
    return look.breached() ? message : null;
  }

  /**
   * Whether a watch sample is one the test uses: at least {@code rateWindow} after the latest used sample, the
   * window's last one included (the watch's first instant may fall closer to the close than that; its rate would
   * share requests with the window's last).
   */
  private static boolean usedInWatch(Criterion.Regression r, RegressionTrack before, long at) {
    return before == null || before.lastUsedAt() == null || at - before.lastUsedAt() >= r.rateWindowMillis();
  }

  /**
   * The looks a watch that keeps the criterion's tier plans after a window closed at {@code closedAt}: its used
   * samples, every ⌈rateWindow ÷ watch.interval⌉-th (one more than it takes when its first falls too close to the
   * close: that share is left unspent, never overspent). 0 without such a watch.
   */
  private static int watchLooks(Policy p, Criterion c, long closedAt) {
    Watch w = p.watch();
    if (!w.on() || !w.keeps(c.tier())) {
      return 0;
    }
    return (int) SampleSpacing.usedCount(w.samplesAfter(closedAt), c.regression().stride(w.intervalMillis()));
  }

  /**
   * The watch's looks from this one to its end, counted on its grid from {@code at} (not from the samples processed,
   * so that skipped instants or an edit of the watch leave no look without its share).
   */
  private static int watchLooksLeft(Policy p, EvaluationState s, Criterion.Regression r, long at) {
    Watch w = p.watch();
    int instants = Math.max(1, w.samplesFrom(at, s.windowClosedAt));
    return (int) SampleSpacing.usedCount(instants, r.stride(w.intervalMillis()));
  }

  /**
   * The counted samples as {@link SampleSpacing#used} reads them: {@code slots} used places, every stride-th, this
   * sample's the last (NaN when inconclusive), the conclusive ones before it in the places before. Which earlier
   * place holds which value does not matter to a rank test, only how many there are and this sample's.
   */
  private static double[] window(List<Double> conclusive, int slots, boolean currentConclusive, int stride) {
    double[] out = new double[(slots - 1) * stride + 1];
    Arrays.fill(out, Double.NaN);
    int earlier = currentConclusive ? conclusive.size() - 1 : conclusive.size();
    for (int k = 0; k < earlier; k++) {
      out[k * stride] = conclusive.get(k);
    }
    if (currentConclusive) {
      out[out.length - 1] = conclusive.get(conclusive.size() - 1);
    }
    return out;
  }

  private static double[] values(List<Double> samples) {
    return samples.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * The criterion's own part of the baseline: its last {@code baseline ÷ interval} points (another criterion on the
   * same signal may have asked for a longer one).
   */
  private static double[] own(Criterion.Regression r, BaselineSamples baseline, Policy p) {
    double[] all = baseline.values();
    long points = Math.max(1, r.test().baselineMillis() / p.intervalMillis());
    return all.length <= points ? all : Arrays.copyOfRange(all, all.length - (int) points, all.length);
  }

  /** The counted samples of the window in all: its grid instants from initialDelay to the one that closes it. */
  private static int plannedSamples(Policy p, EvaluationState s) {
    long interval = p.intervalMillis();
    long first = Policy.gridAtOrAfter(s.rolloutStartedAt + p.initialDelayMillis(), interval);
    long last = p.observeUntil(s.rolloutStartedAt);
    return (int) Math.max(1, (last - first) / interval + 1);
  }

  private static double kept(double v) {
    return new BigDecimal(v).round(KEPT).doubleValue();
  }

  /**
   * e.g. "p95 latency ×2 against the 1h before the rollout (allowed ×1.2): mean 160ms vs 80ms, median 158ms vs 80ms;
   * shift +78ms, at least +70ms at 99.91% confidence (p = 2e-05 ≤ 0.0009); 12 vs 60 samples".
   */
  static String describe(Criterion c, RegressionOutcome o, double[] current, double[] baseline) {
    Criterion.Regression r = c.regression();
    String signal = r.signal();
    String name = Signals.describe(signal);
    if (o.state() == RegressionOutcome.State.INCONCLUSIVE) {
      return name + " regression inconclusive: " + o.reason();
    }
    boolean up = r.test().direction() == io.rollbackguard.verdict.regression.Direction.increase;
    return String.format(Locale.ROOT, "%s %s%s against the %s before the rollout (allowed %s): mean %s vs %s,"
            + " median %s vs %s; shift %s, at %s %s at %s%% confidence (p = %.2g %s %.2g); %d vs %d samples",
        name, up ? "×" : "÷", Signals.format(Signals.REGRESSION, round2(o.changeOfMeans())),
        DurationFormat.format(r.test().baselineMillis()),
        (up ? "×" : "÷") + Signals.format(Signals.REGRESSION, r.test().allowedChange()),
        Signals.format(signal, o.currentMean()), Signals.format(signal, o.baselineMean()),
        Signals.format(signal, median(current)), Signals.format(signal, median(baseline)),
        signed(signal, o.shift()), up ? "least" : "most", signed(signal, o.bound()),
        Signals.format(Signals.REGRESSION, round2((1 - o.level()) * 100)), o.pValue(), o.significant() ? "≤" : ">",
        o.level(), o.currentSamples(), o.baselineSamples()) + Findings.held(c);
  }

  private static String signed(String signal, double v) {
    return Double.isFinite(v) ? (v > 0 ? "+" : "") + Signals.format(signal, v) : "unknown";
  }

  private static double round2(double v) {
    return Double.isFinite(v) ? Math.round(v * 100) / 100.0 : v;
  }

  private static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }
}
