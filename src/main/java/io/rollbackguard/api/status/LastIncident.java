package io.rollbackguard.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/** The latest revision that had an action, with its evidence: it survives the rollback that replaced it. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class LastIncident {
  public enum Resolution { Open, RolledBack, Dismissed, Superseded }

  public Long revision;
  public List<String> images = new ArrayList<>();
  public Action action;
  public Tier tier;
  public String firedAt;
  public String decideBy;
  public String reason;
  public List<FindingStatus> findings = new ArrayList<>();
  public Procedure procedure;
  public Resolution resolution;
  public String resolvedAt;
}
