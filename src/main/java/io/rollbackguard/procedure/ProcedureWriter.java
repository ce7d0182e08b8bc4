package io.rollbackguard.procedure;

import static io.rollbackguard.procedure.ShellWord.quote;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Procedure.Step;
import io.rollbackguard.api.status.Procedure;
import io.rollbackguard.api.status.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Writes the procedure a person pastes to act on a recommendation. The operator only advises, so every command must
 * be complete and exact: a placeholder left in a command during an incident costs minutes.
 */
public final class ProcedureWriter {
  private static final String HELM_RELEASE = "meta.helm.sh/release-name";
  private static final String HELM_NAMESPACE = "meta.helm.sh/release-namespace";
  private static final String ARGO_INSTANCE = "argocd.argoproj.io/instance";
  private static final String ARGO_TRACKING_ID = "argocd.argoproj.io/tracking-id";
  private static final String FLUX_KUSTOMIZATION = "kustomize.toolkit.fluxcd.io/name";
  private static final String FLUX_KUSTOMIZATION_NAMESPACE = "kustomize.toolkit.fluxcd.io/namespace";
  private static final String FLUX_HELMRELEASE = "helm.toolkit.fluxcd.io/name";
  private static final String FLUX_HELMRELEASE_NAMESPACE = "helm.toolkit.fluxcd.io/namespace";
  private static final String KEPT_FOR_REFERENCE = " (the kubectl steps are kept for reference)";

  /** How kubectl reaches the stable version: undo to its revision, set its images, or undo blindly (unverified). */
  private enum Route { REVISION, IMAGES, PREVIOUS }

  private static final class Draft {
    final List<Step> steps = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();

    void step(String title, String command) {
      steps.add(new Step(title, command));
    }

    void manual(String title) {
      step(title, null);
    }
  }

  /** What a GitOps or Helm owner needs around the kubectl steps so they are not undone behind the person's back. */
  private record Ownership(List<Step> before, List<Step> after, List<String> warnings) {}

  public ProcedureWriter() {}

  /**
   * @param tier the tier that fired, null for an Evaluate from missing data: it says why a policy's feature flags are
   *     not offered
   */
  public Procedure write(Action action, Tier tier, ProcedureOptions options, RolloutContext rollout) {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(rollout, "rollout");
    ProcedureOptions opts = options == null ? ProcedureOptions.NONE : options;
    Draft draft = new Draft();
    String title = switch (action) {
      case None -> "No action for " + rollout.name();
      case Evaluate -> evaluate(draft, opts, rollout);
      case DisableFeatureFlag -> disableFlags(draft, opts, rollout);
      case RollbackRapid, RollbackImmediate -> rollBack(draft, action, opts, rollout);
    };
    if (!opts.featureFlags().isEmpty() && action.withholdsFeatureFlags()) {
      draft.warnings.add(0, noFlagOffered(tier));
    }
    if (action != Action.None) {
      opts.extraSteps().forEach(draft::manual);
    }
    return new Procedure(title, draft.steps, draft.warnings);
  }

  private static String evaluate(Draft draft, ProcedureOptions opts, RolloutContext rollout) {
    // The person decides between a hotfix and a rollback; the rollback is spelled out so choosing it costs nothing.
    draft.manual("Inspect the findings");
    rollbackSteps(draft, "To roll back: ", opts, rollout);
    String revision = rollout.revision() == null ? "" : " revision " + rollout.revision();
    return "Evaluate " + rollout.name() + revision + ": hotfix or roll back";
  }

  private static String disableFlags(Draft draft, ProcedureOptions opts, RolloutContext rollout) {
    List<String> flags = opts.featureFlags();
    if (flags.isEmpty()) {
      draft.manual("Disable the feature flag behind the change");
    }
    flagSteps(draft, flags);
    draft.manual("Verify the signals recover");
    rollbackSteps(draft, "If it persists: ", opts, rollout);
    return flags.isEmpty()
        ? "Disable the feature flag behind " + rollout.name()
        : "Disable feature flag(s) " + String.join(", ", flags) + " in " + rollout.name();
  }

  /**
   * With flags listed, a rapid or evaluate tier is RollbackRapid or Evaluate only when a Kubernetes criterion fired it
   * (or, with no tier, when the window lacked data): say so, or the person goes looking for the flag step.
   */
  private static String noFlagOffered(Tier tier) {
    return tier == null
        ? "No feature flag is offered: the window closed without enough data, which says nothing a flag would fix"
        : "No feature flag is offered: a Kubernetes signal fired (crash loop, stuck rollout or no available replica),"
            + " and pods that do not start are not fixed by a flag";
  }

  private static String rollBack(Draft draft, Action action, ProcedureOptions opts, RolloutContext rollout) {
    // A flag flips in seconds while a rollback takes minutes, so it goes first; the rollback follows regardless. A
    // rapid rollback is one only because no flag fixes what fired: it offers none.
    if (action == Action.RollbackImmediate) {
      flagSteps(draft, opts.featureFlags());
    }
    Route route = rollbackSteps(draft, "", opts, rollout);
    return "Roll back " + rollout.name() + " to " + target(route, rollout);
  }

  private static void flagSteps(Draft draft, List<String> flags) {
    // No command: the flag service is the team's own and unknown here.
    flags.forEach(flag -> draft.manual("Disable feature flag " + flag));
  }

  private static String target(Route route, RolloutContext rollout) {
    if (route == Route.PREVIOUS) {
      return "the previous revision (unverified)";
    }
    return (rollout.stableInHistory() ? "revision " : "images of revision ") + rollout.stableRevision();
  }

  private static Route rollbackSteps(Draft draft, String prefix, ProcedureOptions opts, RolloutContext rollout) {
    Ownership owners = ownership(rollout);
    draft.warnings.addAll(owners.warnings());
    owners.before().forEach(s -> draft.step(prefix + s.title(), s.command()));
    Draft kubectl = new Draft();
    Route route = opts.database() == null ? optionA(kubectl, rollout) : optionB(kubectl, opts.database(), rollout);
    kubectl.steps.forEach(s -> draft.step(prefix + s.title(), s.command()));
    draft.warnings.addAll(kubectl.warnings);
    owners.after().forEach(s -> draft.step(prefix + s.title(), s.command()));
    return route;
  }

  private static Route optionA(Draft draft, RolloutContext rollout) {
    Route route = route(rollout, false);
    warnAboutTarget(draft, rollout, route);
    draft.step("Check the history", "kubectl rollout history " + deployment(rollout));
    switch (route) {
      case REVISION -> draft.step("Roll back to revision " + rollout.stableRevision(), undo(rollout, route));
      case IMAGES -> draft.step("Set the images of revision " + rollout.stableRevision(), setImage(rollout));
      case PREVIOUS -> draft.step("Roll back to the previous revision (unverified)", undo(rollout, route));
    }
    draft.step("Watch it converge", status(rollout));
    return route;
  }

  private static Route optionB(Draft draft, ProcedureOptions.Database database, RolloutContext rollout) {
    // The old code must not run against the new schema, nor the new code against the old: nothing serves meanwhile.
    Route route = route(rollout, true);
    warnAboutTarget(draft, rollout, route);
    draft.step("Maintenance: scale down", scale(rollout, 0));
    databaseStep(draft, database);
    draft.step("Previous version", route == Route.IMAGES ? setImage(rollout) : undo(rollout, route));
    draft.step("Back online", scale(rollout, rollout.replicas()));
    draft.step("Watch it converge", status(rollout));
    return route;
  }

  private static void databaseStep(Draft draft, ProcedureOptions.Database database) {
    if (database.migrationsReversible()) {
      String command = database.migrateDownCommand();
      String title = "Migrate the database down";
      draft.step(command == null ? title + ": run the down migration by hand" : title, command);
      return;
    }
    String command = database.restoreCommand();
    draft.step(command == null ? "Restore the pre-deploy backup by hand" : "Restore the pre-deploy backup", command);
    String engine = database.engine() == null || database.engine().isBlank() ? "" : database.engine() + " ";
    draft.warnings.add("Database migrations are not reversible: restoring the pre-deploy " + engine
        + "backup loses data written since the deploy");
  }

  /**
   * Option B already sets images container by container, so recorded images win there even while the revision is in
   * history; Option A prefers the exact ReplicaSet, which also restores env and config the images do not carry.
   */
  private static Route route(RolloutContext rollout, boolean preferImages) {
    if (rollout.stableRevision() == null) {
      return Route.PREVIOUS;
    }
    boolean haveImages = !rollout.stableImages().isEmpty();
    if (preferImages && haveImages) {
      return Route.IMAGES;
    }
    if (rollout.stableInHistory()) {
      return Route.REVISION;
    }
    return haveImages ? Route.IMAGES : Route.PREVIOUS;
  }

  private static void warnAboutTarget(Draft draft, RolloutContext rollout, Route route) {
    if (rollout.stableRevision() == null) {
      draft.warnings.add("Unverified target: no revision has passed its observation window, so undo returns to"
          + " the previous revision, which is unverified: check `kubectl rollout history` first");
      return;
    }
    if (rollout.stableInHistory()) {
      return;
    }
    String gone = "The stable revision " + rollout.stableRevision()
        + " is no longer in the Deployment's history (revisionHistoryLimit)";
    draft.warnings.add(route == Route.IMAGES
        ? gone + ", so the procedure sets the recorded stable images instead"
        : gone + " and its images were not recorded, so undo returns to the previous revision, which is unverified:"
            + " check `kubectl rollout history` first");
  }

  private static String deployment(RolloutContext rollout) {
    return quote("deployment/" + rollout.name()) + " -n " + quote(rollout.namespace());
  }

  private static String undo(RolloutContext rollout, Route route) {
    String revision = route == Route.REVISION ? " --to-revision=" + rollout.stableRevision() : "";
    return "kubectl rollout undo " + deployment(rollout) + revision;
  }

  private static String setImage(RolloutContext rollout) {
    // Every container, in pod-spec order: one left out keeps running the bad image.
    String pairs = rollout.stableImages().entrySet().stream()
        .map(e -> quote(e.getKey() + "=" + e.getValue()))
        .collect(Collectors.joining(" "));
    return "kubectl set image " + deployment(rollout) + " " + pairs;
  }

  private static String status(RolloutContext rollout) {
    return "kubectl rollout status " + deployment(rollout);
  }

  private static String scale(RolloutContext rollout, int replicas) {
    return "kubectl scale " + deployment(rollout) + " --replicas=" + replicas;
  }

  /**
   * Flux comes first because it must be suspended before anything else is touched, and a Flux HelmRelease also
   * carries Helm's annotations: suspending it is what keeps {@code helm rollback} from being upgraded away.
   */
  private static Ownership ownership(RolloutContext rollout) {
    Ownership owners = new Ownership(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    String kustomization = value(rollout.labels(), FLUX_KUSTOMIZATION);
    if (kustomization != null) {
      String ns = orDefault(value(rollout.labels(), FLUX_KUSTOMIZATION_NAMESPACE), "flux-system");
      flux(owners, rollout, "kustomization", "Kustomization", kustomization, ns);
    }
    String helmRelease = value(rollout.labels(), FLUX_HELMRELEASE);
    if (helmRelease != null) {
      String ns = orDefault(value(rollout.labels(), FLUX_HELMRELEASE_NAMESPACE), rollout.namespace());
      flux(owners, rollout, "helmrelease", "HelmRelease", helmRelease, ns);
    }
    argo(owners, rollout);
    helm(owners, rollout);
    return owners;
  }

  private static void flux(
      Ownership owners, RolloutContext rollout, String kind, String display, String name, String ns) {
    owners.warnings().add(rollout.name() + " is managed by Flux " + display + " " + ns + "/" + name
        + ": Flux reconciles the Deployment back to Git and reverts a kubectl rollback;"
        + " suspend it, and revert the change in Git before resuming" + KEPT_FOR_REFERENCE);
    owners.before().add(new Step("Suspend the Flux " + display + " " + name,
        "flux suspend " + kind + " " + quote(name) + " -n " + quote(ns)));
    owners.after().add(new Step("Revert the change in Git, then resume",
        "flux resume " + kind + " " + quote(name) + " -n " + quote(ns)));
  }

  private static void argo(Ownership owners, RolloutContext rollout) {
    String app = argoApplication(rollout);
    if (app == null) {
      return;
    }
    owners.warnings().add(rollout.name() + " is managed by Argo CD application " + app
        + ": Argo CD self-heal or auto-sync reverts a kubectl rollback;"
        + " turn off auto-sync, roll back the application and revert the change in Git" + KEPT_FOR_REFERENCE);
    // argocd refuses to roll back an application that syncs automatically.
    owners.before().add(new Step("Turn off auto-sync for " + app,
        "argocd app set " + quote(app) + " --sync-policy none"));
    owners.before().add(new Step("Roll back the Argo CD application " + app, "argocd app rollback " + quote(app)));
    owners.before().add(new Step("Revert the change in Git, then restore the sync policy", null));
  }

  /** The tracking id wins over the label: it is what newer Argo CD writes, and the label may be left from before. */
  private static String argoApplication(RolloutContext rollout) {
    String trackingId = value(rollout.annotations(), ARGO_TRACKING_ID);
    if (trackingId != null) {
      int colon = trackingId.indexOf(':');
      String app = colon < 0 ? trackingId : trackingId.substring(0, colon);
      if (!app.isBlank()) {
        return app;
      }
    }
    return value(rollout.labels(), ARGO_INSTANCE);
  }

  private static void helm(Ownership owners, RolloutContext rollout) {
    String release = value(rollout.annotations(), HELM_RELEASE);
    if (release == null) {
      return;
    }
    String ns = orDefault(value(rollout.annotations(), HELM_NAMESPACE), rollout.namespace());
    owners.warnings().add(rollout.name() + " is managed by Helm release " + release
        + ": a kubectl rollback is reverted by the next helm upgrade; roll back the release instead"
        + KEPT_FOR_REFERENCE);
    // Helm counts its own revisions, unrelated to the Deployment's: the history shows which release was good.
    owners.before().add(new Step("Check the Helm release history",
        "helm history " + quote(release) + " -n " + quote(ns)));
    owners.before().add(new Step("Roll back the Helm release to its previous revision",
        "helm rollback " + quote(release) + " -n " + quote(ns)));
  }

  private static String value(Map<String, String> map, String key) {
    String value = map.get(key);
    return value == null || value.isBlank() ? null : value;
  }

  private static String orDefault(String value, String fallback) {
    return value == null ? fallback : value;
  }
}
