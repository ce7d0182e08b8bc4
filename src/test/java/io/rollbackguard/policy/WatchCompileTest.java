package io.rollbackguard.policy;

import static io.rollbackguard.TestingPolicies.compile;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.api.status.Tier;
import io.rollbackguard.verdict.Watch;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code spec.observation.watch} (DESIGN.md §1b): its defaults, what is refused, what is warned of. */
class WatchCompileTest {

  private static Watch watch(String observation) {
    CompiledPolicy c = compile("  observation: " + observation + "\n", true);
    assertThat(c.problems()).isEmpty();
    return c.policy().watch();
  }

  @Test
  void aPolicyWithoutAWatchHasNone() {
    assertThat(watch("{window: 15m}")).isEqualTo(Watch.OFF);
    assertThat(watch("{watch: {for: 0s}}").on()).isFalse();
  }

  @Test
  void aWatchDefaultsToFourIntervalsAndTheTwoRollbackTiers() {
    Watch w = watch("{interval: 30s, watch: {for: 2h}}");
    assertThat(w.forMillis()).isEqualTo(7_200_000);
    assertThat(w.intervalMillis()).isEqualTo(120_000);
    assertThat(w.tiers()).containsExactlyInAnyOrder(Tier.immediate, Tier.rapid);
  }

  @Test
  void aWatchNamesItsIntervalAndTiers() {
    Watch w = watch("{interval: 1m, watch: {for: 90m, interval: 5m, tiers: [evaluate, immediate]}}");
    assertThat(w).isEqualTo(new Watch(5_400_000, 300_000, Set.of(Tier.evaluate, Tier.immediate)));
  }

  /** A policy test that samples at another interval: a defaulted watch interval follows it, a named one stays. */
  @Test
  void aDefaultedWatchIntervalFollowsTheObservationIntervalATestChooses() {
    assertThat(watch("{interval: 30s, watch: {for: 2h}}").atObservationInterval(10_000).intervalMillis())
        .isEqualTo(40_000);
    assertThat(watch("{interval: 1m, watch: {for: 90m, interval: 5m}}").atObservationInterval(10_000)
        .intervalMillis()).isEqualTo(300_000);
  }

  /** What is refused (an error: the policy is invalid) and what is only warned of, each naming its field. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      {watch: {for: 2 hours}}                          | error   | spec.observation.watch.for: '2 hours' is not a duration
      {watch: {for: 2h, interval: soon}}               | error   | spec.observation.watch.interval: 'soon' is not a duration
      {watch: {for: 2h, interval: 0s}}                 | error   | spec.observation.watch.interval: must be longer than 0s
      {interval: 1m, watch: {for: 2h, interval: 30s}}  | error   | spec.observation.watch.interval: 30s is shorter than observation.interval (1m)
      {watch: {for: 2h, tiers: []}}                    | error   | spec.observation.watch.tiers: must list at least one tier
      {interval: 30s, watch: {for: 2h, interval: 45s}} | warning | spec.observation.watch.interval: 45s is not a multiple of observation.interval (30s)
      {watch: {tiers: [evaluate]}}                     | warning | spec.observation.watch.for: is 0s (the default): no revision is watched
      """)
  void aWatchIsCheckedNamingItsField(String observation, String kind, String message) {
    CompiledPolicy c = compile("  observation: " + observation.strip() + "\n", true);
    boolean error = kind.strip().equals("error");
    assertThat(c.valid()).isEqualTo(!error);
    assertThat(error ? c.problems() : c.warnings()).singleElement()
        .satisfies(p -> assertThat(p.toString()).startsWith(message.strip()));
  }

  /** A chain carries over into the watch, so a watched tier's breach may hold longer than the window alone allows. */
  @ParameterizedTest(name = "watch {0}: valid {1}")
  @CsvSource(delimiter = '|', textBlock = """
      ''                                 | false
      ', watch: {for: 2h}'               | true
      ', watch: {for: 2h, tiers: [immediate]}' | false
      ', watch: {for: 10m}'              | false
      """)
  void aWatchedTiersForMayReachIntoTheWatch(String watch, boolean valid) {
    CompiledPolicy c = compile("  observation: {window: 15m, interval: 30s" + watch + "}\n"
        + "  tiers: {rapid: {errorRate: {above: 0.01, for: 30m}}}\n", true);
    assertThat(c.valid()).isEqualTo(valid);
    if (!valid) {
      assertThat(c.problemsText()).contains("spec.tiers.rapid.errorRate.for: 30m can never fire");
    }
  }
}
