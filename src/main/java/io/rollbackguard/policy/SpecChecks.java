package io.rollbackguard.policy;

import io.rollbackguard.api.spec.NotificationsSpec;
import io.rollbackguard.api.spec.ProcedureSpec;
import io.rollbackguard.api.spec.PrometheusSpec;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.notify.AlertLabels;
import io.rollbackguard.notify.NotificationRules;
import io.rollbackguard.policy.PolicyCompiler.Problems;
import io.rollbackguard.procedure.ProcedureOptions;
import io.rollbackguard.verdict.Criterion;
import io.rollbackguard.verdict.DurationFormat;
import io.rollbackguard.verdict.Signals;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** The checks of a policy's parts other than its criteria. */
final class SpecChecks {
  private SpecChecks() {}

  static void prometheus(PrometheusSpec prometheus, Problems problems) {
    if (prometheus == null) {
      return;
    }
    if (prometheus.url != null) {
      try {
        URI uri = new URI(prometheus.url);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
          problems.add("spec.prometheus.url", "'" + prometheus.url + "' is not an http(s) URL");
        }
      } catch (Exception e) {
        problems.add("spec.prometheus.url", "'" + prometheus.url + "' is not a URL");
      }
    }
    long timeout = problems.duration("spec.prometheus.timeout", prometheus.timeout, 5_000);
    if (timeout == 0) {
      problems.add("spec.prometheus.timeout", "must be longer than 0s");
    }
    secretRef("spec.prometheus.bearerTokenSecretRef", prometheus.bearerTokenSecretRef, problems);
    secretRef("spec.prometheus.caSecretRef", prometheus.caSecretRef, problems);
  }

  private static void secretRef(String path, PrometheusSpec.SecretKeyRef ref, Problems problems) {
    if (ref == null) {
      return;
    }
    if (ref.name == null || ref.name.isBlank()) {
      problems.add(path + ".name", "required");
    } else {
      problems.addIfAny(path + ".name", KubernetesNames.subdomain("Secret name", ref.name, "prom-token"));
    }
    if (ref.key == null || ref.key.isBlank()) {
      problems.add(path + ".key", "required");
    } else {
      problems.addIfAny(path + ".key", KubernetesNames.secretKey(ref.key));
    }
  }

  /**
   * A higher tier must be at least as strict as a lower one on the same signal: an immediate error-rate threshold
   * below the rapid one would make "roll back now" easier to reach than "roll back within 30 minutes".
   */
  static void tierOrder(List<Criterion> criteria, Map<Tier, Long> decideWithin, Problems problems) {
    for (String signal : List.of(Signals.ERROR_RATE, Signals.LATENCY_P95)) {
      Criterion immediate = find(criteria, Tier.immediate, signal);
      Criterion rapid = find(criteria, Tier.rapid, signal);
      Criterion evaluate = find(criteria, Tier.evaluate, signal);
      looser(immediate, rapid, problems);
      looser(rapid, evaluate, problems);
      if (rapid == null) {
        looser(immediate, evaluate, problems);
      }
    }
    Long immediate = decideWithin.get(Tier.immediate);
    Long rapid = decideWithin.get(Tier.rapid);
    if (immediate != null && rapid != null && immediate > rapid) {
      problems.add("spec.tiers.immediate.decideWithin", DurationFormat.format(immediate)
          + " is longer than the rapid tier's " + DurationFormat.format(rapid));
    }
  }

  private static void looser(Criterion higher, Criterion lower, Problems problems) {
    if (higher == null || lower == null || higher.above() != lower.above()) {
      return;
    }
    boolean looser = higher.above() ? higher.threshold() < lower.threshold() : higher.threshold() > lower.threshold();
    if (looser) {
      String side = higher.above() ? "above" : "below";
      problems.add("spec.tiers." + higher.tier() + "." + higher.signal() + "." + side,
          higher.thresholdText() + " is looser than the " + lower.tier() + " tier's " + lower.thresholdText()
              + ": a higher tier must be at least as strict");
    }
  }

  private static Criterion find(List<Criterion> criteria, Tier tier, String signal) {
    for (Criterion c : criteria) {
      if (c.tier() == tier && c.signal().equals(signal) && c.id().equals(tier + "/" + signal)) {
        return c;
      }
    }
    return null;
  }

  static ProcedureOptions procedure(ProcedureSpec spec, Problems problems) {
    if (spec == null) {
      return ProcedureOptions.NONE;
    }
    List<String> flags = spec.featureFlags == null ? List.of() : spec.featureFlags;
    for (int i = 0; i < flags.size(); i++) {
      if (flags.get(i) == null || flags.get(i).isBlank()) {
        problems.add("spec.procedure.featureFlags[" + i + "]", "must not be empty");
      }
    }
    List<String> extra = spec.extraSteps == null ? List.of() : spec.extraSteps;
    for (int i = 0; i < extra.size(); i++) {
      if (extra.get(i) == null || extra.get(i).isBlank()) {
        problems.add("spec.procedure.extraSteps[" + i + "]", "must not be empty");
      }
    }
    ProcedureOptions.Database database = null;
    ProcedureSpec.DatabaseSpec db = spec.database;
    if (db != null) {
      boolean reversible = Boolean.TRUE.equals(db.migrationsReversible);
      if (reversible && isBlank(db.migrateDownCommand)) {
        problems.add("spec.procedure.database.migrateDownCommand", "required when migrationsReversible is true");
      }
      if (!reversible && isBlank(db.restoreCommand)) {
        problems.add("spec.procedure.database.restoreCommand",
            "required when migrations are not reversible (migrationsReversible: false)");
      }
      database = new ProcedureOptions.Database(db.engine, reversible, db.migrateDownCommand, db.restoreCommand);
    }
    return new ProcedureOptions(flags, database, extra);
  }

  static final int MAX_LABELS = 16;
  static final int MAX_LABEL_VALUE = 256;

  /** A policy's notification labels add to the built-in ones, which stay what routing relies on. */
  static NotificationRules notifications(NotificationsSpec spec, Problems problems) {
    if (spec == null) {
      return NotificationRules.DEFAULT;
    }
    Map<String, String> labels = spec.labels == null ? Map.of() : spec.labels;
    if (labels.size() > MAX_LABELS) {
      problems.add("spec.notifications.labels", "at most " + MAX_LABELS + " labels, got " + labels.size());
    }
    labels.forEach((name, value) -> {
      problems.addIfAny("spec.notifications.labels." + name, AlertLabels.problem(name));
      if (value == null || value.isBlank()) {
        problems.add("spec.notifications.labels." + name, "must not be empty (Alertmanager drops empty labels)");
      } else if (value.length() > MAX_LABEL_VALUE) {
        problems.add("spec.notifications.labels." + name, "at most " + MAX_LABEL_VALUE + " characters");
      }
    });
    Action min = spec.minAction == null ? NotificationRules.DEFAULT.minAction() : Action.valueOf(spec.minAction.name());
    return new NotificationRules(min, labels);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
