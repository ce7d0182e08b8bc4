package io.rollbackguard.procedure;

import java.util.List;

/** What a policy's {@code spec.procedure} says, as plain data. */
public record ProcedureOptions(List<String> featureFlags, Database database, List<String> extraSteps) {
  public static final ProcedureOptions NONE = new ProcedureOptions(List.of(), null, List.of());

  public ProcedureOptions {
    featureFlags = featureFlags == null ? List.of() : List.copyOf(featureFlags);
    extraSteps = extraSteps == null ? List.of() : List.copyOf(extraSteps);
  }

  /** Present when rollouts migrate a database ("Option B"). */
  public record Database(String engine, boolean migrationsReversible, String migrateDownCommand, String restoreCommand) {}
}
