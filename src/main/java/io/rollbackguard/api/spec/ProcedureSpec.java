package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProcedureSpec {
  @JsonPropertyDescription("Flags that switch the change off: a rapid or evaluate tier then recommends DisableFeatureFlag.")
  public List<String> featureFlags;

  @JsonPropertyDescription("Present when rollouts migrate a database: the procedure becomes Option B.")
  public DatabaseSpec database;

  @JsonPropertyDescription("Steps appended to every procedure (status page, post-mortem...).")
  public List<String> extraSteps;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DatabaseSpec {
    @JsonPropertyDescription("e.g. postgres, mysql.")
    public String engine;
    @JsonPropertyDescription("Whether every migration has a working down step. Default false.")
    public Boolean migrationsReversible;
    @JsonPropertyDescription("Runs the down migration, when migrationsReversible.")
    public String migrateDownCommand;
    @JsonPropertyDescription("Restores the pre-deploy backup, when migrations are not reversible.")
    public String restoreCommand;
  }
}
