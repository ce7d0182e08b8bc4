package io.rollbackguard.procedure;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Procedure.Step;
import io.rollbackguard.api.status.Procedure;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.procedure.ProcedureOptions.Database;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcedureWriterTest {
  private final ProcedureWriter writer = new ProcedureWriter();

  private static final String HISTORY = "kubectl rollout history deployment/checkout -n shop";
  private static final String UNDO_TO_6 = "kubectl rollout undo deployment/checkout -n shop --to-revision=6";
  private static final String UNDO = "kubectl rollout undo deployment/checkout -n shop";
  private static final String STATUS = "kubectl rollout status deployment/checkout -n shop";

  @Test
  void optionARollsBackToTheStableRevisionByNumber() {
    Procedure procedure = writer.write(Action.RollbackImmediate, Tier.immediate, ProcedureOptions.NONE, rollout());

    assertThat(procedure.title()).isEqualTo("Roll back checkout to revision 6");
    assertThat(procedure.steps()).containsExactly(
        new Step("Check the history", HISTORY),
        new Step("Roll back to revision 6", UNDO_TO_6),
        new Step("Watch it converge", STATUS));
    assertThat(procedure.warnings()).isEmpty();
  }

  @Test
  void optionBWithReversibleMigrationsMigratesDownBetweenScaleDownAndSettingEveryStableImage() {
    Database db = new Database("postgres", true, "npm run db:migrate:rollback", "pg_restore -d shop backup.dump");
    RolloutContext rollout = rollout(6L, true, twoContainers(), Map.of(), Map.of());

    Procedure procedure = writer.write(Action.RollbackRapid, Tier.rapid, withDatabase(db), rollout);

    assertThat(procedure.steps()).containsExactly(
        new Step("Maintenance: scale down", "kubectl scale deployment/checkout -n shop --replicas=0"),
        new Step("Migrate the database down", "npm run db:migrate:rollback"),
        new Step("Previous version",
            "kubectl set image deployment/checkout -n shop app=registry/checkout:v2.0.0 sidecar=registry/envoy:1.30"),
        new Step("Back online", "kubectl scale deployment/checkout -n shop --replicas=3"),
        new Step("Watch it converge", STATUS));
    assertThat(procedure.mentions("pg_restore")).isFalse();
    assertThat(procedure.warnings()).isEmpty();
  }

  @Test
  void optionBWithIrreversibleMigrationsRestoresTheBackupAndWarnsThatDataIsLost() {
    Database db = new Database("postgres", false, null, "pg_restore -h db -U app -d shop backup_20261127.dump");

    Procedure procedure = writer.write(Action.RollbackImmediate, Tier.immediate, withDatabase(db), rollout());

    assertThat(procedure.steps()).extracting(Step::title).containsExactly(
        "Maintenance: scale down", "Restore the pre-deploy backup", "Previous version", "Back online",
        "Watch it converge");
    assertThat(procedure.steps().get(1).command()).isEqualTo("pg_restore -h db -U app -d shop backup_20261127.dump");
    assertThat(procedure.warnings()).singleElement().satisfies(w -> assertThat(w)
        .contains("not reversible", "postgres", "loses data written since the deploy"));
  }

  @Test
  void optionBWithoutARecordedDownCommandSaysToRunTheMigrationByHand() {
    Database db = new Database(null, true, null, null);

    Procedure procedure = writer.write(Action.RollbackImmediate, Tier.immediate, withDatabase(db), rollout());

    assertThat(procedure.steps().get(1))
        .isEqualTo(new Step("Migrate the database down: run the down migration by hand", null));
    assertThat(procedure.mentions("Previous version")).isTrue();
    assertThat(procedure.steps().get(2).command()).isEqualTo(UNDO_TO_6);
  }

  @Test
  void stableRevisionGoneFromHistorySetsTheRecordedImageOfEveryContainerAndSaysSo() {
    RolloutContext rollout = rollout(6L, false, twoContainers(), Map.of(), Map.of());

    Procedure procedure = writer.write(Action.RollbackImmediate, Tier.immediate, ProcedureOptions.NONE, rollout);

    assertThat(procedure.title()).isEqualTo("Roll back checkout to images of revision 6");
    assertThat(procedure.steps()).extracting(Step::command).containsExactly(
        HISTORY,
        "kubectl set image deployment/checkout -n shop app=registry/checkout:v2.0.0 sidecar=registry/envoy:1.30",
        STATUS);
    assertThat(procedure.mentions("rollout undo")).isFalse();
    assertThat(procedure.warnings()).singleElement().satisfies(w -> assertThat(w)
        .contains("revision 6 is no longer in the Deployment's history", "revisionHistoryLimit",
            "sets the recorded stable images instead"));
  }

  @Test
  void stableRevisionGoneFromHistoryWithoutRecordedImagesUndoesBlindlyAndWarnsTheTargetIsUnverified() {
    RolloutContext rollout = rollout(6L, false, Map.of(), Map.of(), Map.of());

    Procedure procedure = writer.write(Action.RollbackImmediate, Tier.immediate, ProcedureOptions.NONE, rollout);

    assertThat(procedure.steps()).extracting(Step::command).containsExactly(HISTORY, UNDO, STATUS);
    assertThat(procedure.mentions("--to-revision")).isFalse();
    assertThat(procedure.warnings()).singleElement().satisfies(w -> assertThat(w).contains("unverified"));
  }

  @Test
  void withoutAStableRevisionUndoesToThePreviousRevisionAndWarnsItIsUnverified() {
    RolloutContext rollout = rollout(null, false, Map.of(), Map.of(), Map.of());

    Procedure procedure = writer.write(Action.RollbackImmediate, Tier.immediate, ProcedureOptions.NONE, rollout);

    assertThat(procedure.title()).isEqualTo("Roll back checkout to the previous revision (unverified)");
    assertThat(procedure.steps()).extracting(Step::command).containsExactly(HISTORY, UNDO, STATUS);
    assertThat(procedure.mentions("--to-revision")).isFalse();
    assertThat(procedure.warnings()).singleElement().satisfies(w -> assertThat(w)
        .contains("no revision has passed its observation window", "unverified", "kubectl rollout history"));
  }

  @Test
  void disablingFeatureFlagsComesFirstAndTheRollbackIsTheFallback() {
    ProcedureOptions options = new ProcedureOptions(List.of("new-checkout", "fast-cart"), null, List.of());

    Procedure procedure = writer.write(Action.DisableFeatureFlag, Tier.rapid, options, rollout());

    assertThat(procedure.title()).isEqualTo("Disable feature flag(s) new-checkout, fast-cart in checkout");
    assertThat(procedure.steps()).containsExactly(
        new Step("Disable feature flag new-checkout", null),
        new Step("Disable feature flag fast-cart", null),
        new Step("Verify the signals recover", null),
        new Step("If it persists: Check the history", HISTORY),
        new Step("If it persists: Roll back to revision 6", UNDO_TO_6),
        new Step("If it persists: Watch it converge", STATUS));
  }

  @Test
  void immediateRollbackWithFeatureFlagsDisablesThemBeforeRollingBack() {
    ProcedureOptions options = new ProcedureOptions(List.of("new-checkout"), null, List.of());

    Procedure procedure = writer.write(Action.RollbackImmediate, Tier.immediate, options, rollout());

    assertThat(procedure.title()).isEqualTo("Roll back checkout to revision 6");
    assertThat(procedure.steps()).containsExactly(
        new Step("Disable feature flag new-checkout", null),
        new Step("Check the history", HISTORY),
        new Step("Roll back to revision 6", UNDO_TO_6),
        new Step("Watch it converge", STATUS));
  }

  /**
   * With flags listed, what the engine recommends says whether a flag can help: DisableFeatureFlag disables them,
   * RollbackImmediate disables them first and rolls back regardless, and RollbackRapid or Evaluate (a Kubernetes
   * criterion fired, or the window lacked data) offers no flag and says why.
   */
  @ParameterizedTest(name = "{0} ({1})")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      DisableFeatureFlag | rapid     | true  | -
      DisableFeatureFlag | evaluate  | true  | -
      RollbackImmediate  | immediate | true  | -
      RollbackRapid      | rapid     | false | No feature flag is offered: a Kubernetes signal fired
      Evaluate           | evaluate  | false | No feature flag is offered: a Kubernetes signal fired
      Evaluate           | -         | false | No feature flag is offered: the window closed without enough data
      """)
  void aFeatureFlagIsOfferedOnlyWhereAFlagCanHelpAndItsAbsenceIsExplained(Action action, Tier tier,
      boolean flagStep, String warning) {
    ProcedureOptions options = new ProcedureOptions(List.of("new-checkout"), null, List.of());

    Procedure procedure = writer.write(action, tier, options, rollout());

    assertThat(procedure.steps().contains(new Step("Disable feature flag new-checkout", null))).isEqualTo(flagStep);
    if (flagStep) {
      assertThat(procedure.steps().get(0)).isEqualTo(new Step("Disable feature flag new-checkout", null));
      assertThat(procedure.warnings()).noneMatch(w -> w.startsWith("No feature flag"));
    } else {
      assertThat(procedure.warnings().get(0)).startsWith(warning);
    }
  }

  @Test
  void aRapidRollbackForACrashLoopSaysWhyNoFlagIsOffered() {
    ProcedureOptions options = new ProcedureOptions(List.of("new-checkout"), null, List.of());

    Procedure procedure = writer.write(Action.RollbackRapid, Tier.rapid, options, rollout());

    assertThat(procedure.title()).isEqualTo("Roll back checkout to revision 6");
    assertThat(procedure.steps()).containsExactly(
        new Step("Check the history", HISTORY),
        new Step("Roll back to revision 6", UNDO_TO_6),
        new Step("Watch it converge", STATUS));
    assertThat(procedure.warnings()).containsExactly("No feature flag is offered: a Kubernetes signal fired (crash"
        + " loop, stuck rollout or no available replica), and pods that do not start are not fixed by a flag");
  }

  @Test
  void withoutFeatureFlagsNothingIsSaidAboutThem() {
    Procedure procedure = writer.write(Action.RollbackRapid, Tier.rapid, ProcedureOptions.NONE, rollout());

    assertThat(procedure.warnings()).isEmpty();
  }

  @Test
  void evaluateStartsWithTheFindingsAndOffersTheRollback() {
    Procedure procedure = writer.write(Action.Evaluate, Tier.evaluate, ProcedureOptions.NONE, rollout());

    assertThat(procedure.title()).isEqualTo("Evaluate checkout revision 7: hotfix or roll back");
    assertThat(procedure.steps().get(0)).isEqualTo(new Step("Inspect the findings", null));
    assertThat(procedure.steps()).contains(new Step("To roll back: Roll back to revision 6", UNDO_TO_6));
  }

  @Test
  void helmReleaseIsRolledBackWithHelmBeforeTheKubectlStepsKeptForReference() {
    Map<String, String> annotations = Map.of(
        "meta.helm.sh/release-name", "checkout-prod", "meta.helm.sh/release-namespace", "releases");
    RolloutContext rollout = rollout(6L, true, Map.of(), Map.of(), annotations);

    Procedure procedure = writer.write(Action.RollbackImmediate, Tier.immediate, ProcedureOptions.NONE, rollout);

    assertThat(procedure.steps()).extracting(Step::command).containsExactly(
        "helm history checkout-prod -n releases", "helm rollback checkout-prod -n releases",
        HISTORY, UNDO_TO_6, STATUS);
    assertThat(procedure.warnings()).singleElement().satisfies(w -> assertThat(w)
        .contains("managed by Helm release checkout-prod: a kubectl rollback is reverted by the next helm upgrade"));
  }

  @Test
  void helmReleaseNamespaceDefaultsToTheDeploymentNamespace() {
    RolloutContext rollout = rollout(6L, true, Map.of(), Map.of(), Map.of("meta.helm.sh/release-name", "checkout"));

    Procedure procedure = writer.write(Action.RollbackRapid, Tier.rapid, ProcedureOptions.NONE, rollout);

    assertThat(procedure.steps().get(1).command()).isEqualTo("helm rollback checkout -n shop");
  }

  @Test
  void argoCdApplicationFromTheInstanceLabelIsRolledBackInArgoCd() {
    Map<String, String> labels = Map.of("argocd.argoproj.io/instance", "shop-checkout");
    RolloutContext rollout = rollout(6L, true, Map.of(), labels, Map.of());

    Procedure procedure = writer.write(Action.RollbackImmediate, Tier.immediate, ProcedureOptions.NONE, rollout);

    assertThat(procedure.steps()).extracting(Step::command).containsExactly(
        "argocd app set shop-checkout --sync-policy none", "argocd app rollback shop-checkout", null,
        HISTORY, UNDO_TO_6, STATUS);
    assertThat(procedure.steps().get(2).title()).startsWith("Revert the change in Git");
    assertThat(procedure.warnings()).singleElement().satisfies(w -> assertThat(w)
        .contains("Argo CD application shop-checkout", "reverts a kubectl rollback"));
  }

  @Test
  void argoCdApplicationIsReadFromTheTrackingId() {
    Map<String, String> annotations =
        Map.of("argocd.argoproj.io/tracking-id", "storefront:apps/Deployment:shop/checkout");
    RolloutContext rollout = rollout(6L, true, Map.of(), Map.of(), annotations);

    Procedure procedure = writer.write(Action.RollbackImmediate, Tier.immediate, ProcedureOptions.NONE, rollout);

    assertThat(procedure.steps().get(0).command()).isEqualTo("argocd app set storefront --sync-policy none");
    assertThat(procedure.steps().get(1).command()).isEqualTo("argocd app rollback storefront");
    assertThat(procedure.mentions("Argo CD application storefront")).isTrue();
  }

  @Test
  void fluxKustomizationIsSuspendedBeforeAndResumedAfterTheRollback() {
    RolloutContext rollout = rollout(6L, true, Map.of(), Map.of("kustomize.toolkit.fluxcd.io/name", "apps"), Map.of());

    Procedure procedure = writer.write(Action.RollbackImmediate, Tier.immediate, ProcedureOptions.NONE, rollout);

    assertThat(procedure.steps()).extracting(Step::command).containsExactly(
        "flux suspend kustomization apps -n flux-system", HISTORY, UNDO_TO_6, STATUS,
        "flux resume kustomization apps -n flux-system");
    assertThat(procedure.steps().get(4).title()).isEqualTo("Revert the change in Git, then resume");
    assertThat(procedure.warnings()).singleElement().satisfies(w -> assertThat(w)
        .contains("Flux reconciles the Deployment back to Git"));
  }

  @Test
  void fluxHelmReleaseIsSuspendedInItsOwnNamespace() {
    Map<String, String> labels = Map.of(
        "helm.toolkit.fluxcd.io/name", "checkout", "helm.toolkit.fluxcd.io/namespace", "releases");
    RolloutContext rollout = rollout(6L, true, Map.of(), labels, Map.of());

    Procedure procedure = writer.write(Action.RollbackImmediate, Tier.immediate, ProcedureOptions.NONE, rollout);

    assertThat(procedure.steps()).extracting(Step::command).containsExactly(
        "flux suspend helmrelease checkout -n releases", HISTORY, UNDO_TO_6, STATUS,
        "flux resume helmrelease checkout -n releases");
    assertThat(procedure.mentions("Flux reconciles the Deployment back to Git")).isTrue();
  }

  @Test
  void extraStepsAreAppendedLastAsManualSteps() {
    ProcedureOptions options =
        new ProcedureOptions(List.of(), null, List.of("Update the status page", "Schedule the post-mortem"));

    Procedure procedure = writer.write(Action.RollbackImmediate, Tier.immediate, options, rollout());

    assertThat(procedure.steps()).endsWith(
        new Step("Watch it converge", STATUS),
        new Step("Update the status page", null),
        new Step("Schedule the post-mortem", null));
  }

  @Test
  void noActionHasNoStepsNorWarningsEvenWithExtraStepsAndOwners() {
    ProcedureOptions options = new ProcedureOptions(List.of("new-checkout"), null, List.of("Update the status page"));
    RolloutContext rollout = rollout(null, false, Map.of(), Map.of(), Map.of("meta.helm.sh/release-name", "checkout"));

    Procedure procedure = writer.write(Action.None, null, options, rollout);

    assertThat(procedure.title()).isEqualTo("No action for checkout");
    assertThat(procedure.steps()).isEmpty();
    assertThat(procedure.warnings()).isEmpty();
  }

  @Test
  void aHostileHelmReleaseOrImageIsSingleQuotedInTheCommands() {
    Map<String, String> annotations = Map.of("meta.helm.sh/release-name", "pay; rm -rf /",
        "meta.helm.sh/release-namespace", "it's");
    Map<String, String> stableImages = new LinkedHashMap<>();
    stableImages.put("app", "registry/checkout:v2.0.0");
    stableImages.put("sidecar", "registry/envoy:$(x)");
    RolloutContext rollout = rollout(6L, false, stableImages, Map.of(), annotations);

    Procedure procedure = writer.write(Action.RollbackImmediate, Tier.immediate, ProcedureOptions.NONE, rollout);

    assertThat(procedure.steps()).extracting(Step::command).containsExactly(
        "helm history 'pay; rm -rf /' -n 'it'\\''s'", "helm rollback 'pay; rm -rf /' -n 'it'\\''s'", HISTORY,
        "kubectl set image deployment/checkout -n shop app=registry/checkout:v2.0.0 'sidecar=registry/envoy:$(x)'",
        STATUS);
  }

  @Test
  void aHostileArgoApplicationIsSingleQuoted() {
    RolloutContext rollout = rollout(6L, true, Map.of(), Map.of("argocd.argoproj.io/instance", "shop`id`"), Map.of());

    Procedure procedure = writer.write(Action.RollbackRapid, Tier.rapid, ProcedureOptions.NONE, rollout);

    assertThat(procedure.steps()).extracting(Step::command).startsWith(
        "argocd app set 'shop`id`' --sync-policy none", "argocd app rollback 'shop`id`'");
  }

  /**
   * A flag is switched off in the team's own flag service, so its name is in a step to do by hand, never in a command;
   * an extra step is the policy author's own text (it may be their command) and is shown as written.
   */
  @Test
  void aHostileFeatureFlagOrExtraStepNeverBecomesPartOfAGeneratedCommand() {
    ProcedureOptions options = new ProcedureOptions(List.of("new checkout; rm -rf /"), null,
        List.of("Purge the CDN: cdnctl purge $(x)"));

    Procedure procedure = writer.write(Action.RollbackImmediate, Tier.immediate, options, rollout());

    assertThat(procedure.steps()).first().isEqualTo(new Step("Disable feature flag new checkout; rm -rf /", null));
    assertThat(procedure.steps()).last().isEqualTo(new Step("Purge the CDN: cdnctl purge $(x)", null));
    assertThat(procedure.steps()).extracting(Step::command).filteredOn(java.util.Objects::nonNull)
        .containsExactly(HISTORY, UNDO_TO_6, STATUS);
  }

  private static RolloutContext rollout() {
    return rollout(6L, true, Map.of(), Map.of(), Map.of());
  }

  private static RolloutContext rollout(
      Long stable, boolean inHistory, Map<String, String> stableImages, Map<String, String> labels,
      Map<String, String> annotations) {
    return new RolloutContext("shop", "checkout", 7L, stable, inHistory, Map.of("app", "registry/checkout:v2.1.0"),
        stableImages, 3, labels, annotations);
  }

  /** Insertion-ordered: the command must follow pod-spec order. */
  private static Map<String, String> twoContainers() {
    Map<String, String> images = new LinkedHashMap<>();
    images.put("app", "registry/checkout:v2.0.0");
    images.put("sidecar", "registry/envoy:1.30");
    return images;
  }

  private static ProcedureOptions withDatabase(Database database) {
    return new ProcedureOptions(List.of(), database, List.of());
  }
}
