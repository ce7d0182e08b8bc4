package io.rollbackguard.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** One guarded Deployment's verdict: what `kubectl get rv` shows and what a restarted operator resumes from. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class RolloutVerdictStatus {
  public Long revision;
  public List<String> images = new ArrayList<>();
  public Phase phase;
  public Action action;
  public Tier tier;
  @JsonPropertyDescription("One line: why this action, or where the window stands.")
  public String reason;
  public String decideBy;
  public String rolloutStartedAt;
  public String observeUntil;
  @JsonPropertyDescription("The time of the watch's last sample, once the window closed Stable into a watch.")
  public String watchUntil;
  public Long stableRevision;
  public List<String> stableImages = new ArrayList<>();

  @JsonPropertyDescription("False once no policy guards the Deployment (kept only while a rollback is latched).")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public Boolean guarded;

  @JsonPropertyDescription("How much this decision saw: counted samples taken and missed, conclusive per signal.")
  public SampleCounts samples;

  @JsonPropertyDescription("The decision record: why.")
  public List<FindingStatus> findings = new ArrayList<>();

  @JsonPropertyDescription("The exact steps to paste.")
  public Procedure procedure;

  @JsonPropertyDescription("What a restarted operator needs to resume the window.")
  public EvaluationState evaluation;

  @JsonPropertyDescription("The revision tracked and the stable one, by pod-template hash.")
  public RolloutTracking tracking;

  @JsonPropertyDescription("The first event of each kind, plus the latest 20.")
  public List<TimelineEntry> timeline = new ArrayList<>();

  @JsonPropertyDescription("The latest revision that had an action, kept until the next one: what postmortem reads.")
  public LastIncident lastIncident;
}
