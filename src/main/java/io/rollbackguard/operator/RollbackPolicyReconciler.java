package io.rollbackguard.operator;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.spec.RolloutVerdictSpec;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import io.rollbackguard.api.status.TimelineEntry;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.rollout.RolloutReader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per policy: compile it (once per generation), resolve its Prometheus connection, keep the set of RolloutVerdicts
 * equal to the set of Deployments it guards (creating the missing ones; the verdict reconciler retires the others),
 * and sum the verdicts up into the policy's bounded status. Coalesced: at most once a second per policy, however many
 * verdicts change.
 */
// No periodic resync (JOSDK defaults to one every 10 h): every reconcile asks for the next one it needs, and a
// quiet object keeps no timer (cancelled java.util.Timer tasks would stay queued until their 10 h were up).
@ControllerConfiguration(name = RollbackPolicyReconciler.NAME, maxReconciliationInterval = @MaxReconciliationInterval(interval = 0))
// The API server failing for a while must not leave anything behind: retried without end, at most every 10 s.
@GradualRetry(maxAttempts = -1, initialInterval = 1_000, intervalMultiplier = 1.5, maxInterval = 10_000)
// Coalesced by the reconciler itself (see reconcile), not by JOSDK's @RateLimited: with 5.2.3's rate limiter and no
// periodic resync, an event limited while the previous reconcile ran was seen lost (the demo's escalation never
// reached the policy summary).
public final class RollbackPolicyReconciler implements Reconciler<RollbackPolicy> {
  public static final String NAME = "rollbackpolicy";
  static final long INVALID_RETRY_MILLIS = 30_000;
  static final long VERDICTS_SYNC_WAIT_MILLIS = 1_000;
  /** Credentials are read again this often, so a rotated Secret is picked up. */
  static final long CREDENTIALS_REFRESH_MILLIS = 60_000;
  private static final Logger LOG = LoggerFactory.getLogger(RollbackPolicyReconciler.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final PolicyCatalog catalog;
  private final PrometheusConnections prometheus;
  private final StatusRecorder<RollbackPolicy, RollbackPolicyStatus> statusRecorder;
  private final EventRecorder eventRecorder;
  private final RecommendationGauges gauges;
  private final MetricSampler sampler;
  private final OperatorMetrics metrics;

  /** Per policy, when its summary was last assembled and the gap to wait before the next one. */
  private final java.util.Map<String, Assembled> assembledAt = new java.util.concurrent.ConcurrentHashMap<>();

  private record Assembled(long at, long gap) {}
  private final WorkloadCache workloads;
  private final VerdictFeed verdicts;

  RollbackPolicyReconciler(KubernetesClient client, Clock clock, PolicyCatalog catalog,
      PrometheusConnections prometheus, StatusRecorder<RollbackPolicy, RollbackPolicyStatus> statusRecorder,
      EventRecorder eventRecorder, RecommendationGauges gauges, MetricSampler sampler, OperatorMetrics metrics,
      WorkloadCache workloads, VerdictFeed verdicts) {
    this.workloads = workloads;
    this.verdicts = verdicts;
    this.metrics = metrics;
    this.client = client;
    this.clock = clock;
    this.catalog = catalog;
    this.prometheus = prometheus;
    this.statusRecorder = statusRecorder;
    this.eventRecorder = eventRecorder;
    this.gauges = gauges;
    this.sampler = sampler;
  }

  @Override
  public List<EventSource<?, RollbackPolicy>> prepareEventSources(EventSourceContext<RollbackPolicy> context) {
    IndexerResourceCache<RollbackPolicy> policies = context.getPrimaryCache();
    // Which Deployments exist and what their labels are is all this reconciler reads of them; and only a new, a
    // re-labelled or a deleted Deployment changes what a policy selects (status updates are the verdicts' business).
    WorkloadEvents<RollbackPolicy> selected = new WorkloadEvents<RollbackPolicy>("selected-deployments", workloads)
        .deployments(d -> policies.list(d.getMetadata().getNamespace(),
                p -> Guardianship.selects(p, d.getMetadata().getLabels()))
            .map(ResourceID::fromResource).collect(Collectors.toSet()),
            (before, now) -> !java.util.Objects.equals(now.getMetadata().getLabels(),
                before.getMetadata().getLabels()));
    // The verdicts are the verdict controller's: its informer's cache, and its events relayed (one watch, not two).
    verdicts.policiesFrom(policies);
    return List.of(selected, verdicts.policySide());
  }

  @Override
  public UpdateControl<RollbackPolicy> reconcile(RollbackPolicy policy, Context<RollbackPolicy> context) {
    if (!verdicts.synced()) {
      // Until the verdict controller's cache is synced, a verdict missing from it may exist: creating it would fail.
      return UpdateControl.<RollbackPolicy>noUpdate().rescheduleAfter(VERDICTS_SYNC_WAIT_MILLIS);
    }
    long now = clock.millis();
    String namespace = policy.getMetadata().getNamespace();
    String name = policy.getMetadata().getName();
    String key = PolicyCatalog.key(policy);
    long generation = policy.getMetadata().getGeneration() == null ? 0 : policy.getMetadata().getGeneration();
    RollbackPolicyStatus recorded = statusRecorder.latest(policy);
    // The summary costs O(verdicts) from the caches: coalesced to once per max(1 s, 1 ms per verdict), however many
    // verdicts change meanwhile (10 s at 10,000), and checked before anything is listed, so that a burst of verdict
    // events costs a map lookup each. A new generation is summed up at once.
    boolean newGeneration = recorded == null || recorded.observedGeneration == null
        || recorded.observedGeneration != generation;
    Assembled last = assembledAt.get(key);
    if (!newGeneration && last != null && now - last.at() < last.gap()) {
      return UpdateControl.<RollbackPolicy>noUpdate().rescheduleAfter(last.gap() - (now - last.at()));
    }
    Set<String> existing = context.getPrimaryCache().list()
        .map(PolicyCatalog::key).collect(Collectors.toSet());
    catalog.retainOnly(existing);
    sampler.retainOnly(existing);
    gauges.retainPolicies(existing);
    metrics.retainPolicies(existing);
    statusRecorder.retainOnly(existing);

    CompiledPolicy compiled = catalog.compiled(policy);
    if (compiled.valid() && compiled.policy().metricsConfigured()) {
      PrometheusConnections.Resolved connection = prometheus.resolve(policy);
      catalog.connect(policy, connection);
      compiled = catalog.compiled(policy);
    }
    List<RolloutVerdict> guardedVerdicts = verdicts.ofPolicy(key);
    assembledAt.put(key, new Assembled(now, Math.max(1_000, guardedVerdicts.size())));
    assembledAt.keySet().retainAll(existing);
    if (!compiled.valid()) {
      if (statusRecorder.record(policy, PolicyStatusAssembler.invalid(recorded, generation,
          compiled.problemsText(), now))) {
        LOG.warn("policy {}/{}: invalid: {}", namespace, name, compiled.problemsText());
      }
      // come back: a Secret fixed or created does not trigger an event of its own
      return UpdateControl.<RollbackPolicy>noUpdate().rescheduleAfter(INVALID_RETRY_MILLIS);
    }
    List<RollbackPolicy> neighbours = context.getPrimaryCache().list(namespace).toList();
    List<RollbackPolicyStatus.Conflict> conflicts = new ArrayList<>();
    List<Deployment> selected = workloads.deploymentHeads(namespace)
        .filter(d -> Guardianship.selects(policy, d.getMetadata().getLabels())).toList();
    for (Deployment d : selected) {
      RollbackPolicy guardian = Guardianship.guardian(d, neighbours.stream()).orElse(policy);
      if (!guardian.getMetadata().getName().equals(name)) {
        conflicts.add(new RollbackPolicyStatus.Conflict(d.getMetadata().getName(), guardian.getMetadata().getName()));
      } else if (missingVerdict(d)) {
        createVerdict(d, name);
      }
    }
    conflicts.sort(java.util.Comparator.comparing(c -> c.deployment));
    PrometheusConnections.Resolved connection = catalog.connection(key);
    MetricSampler.PolicyMetricsNote note = sampler.note(key);
    String metricsProblem = connection != null && connection.unavailable() != null ? connection.unavailable()
        : note != null ? note.problem() : null;
    Map<String, Map<String, Integer>> counts = PolicyStatusAssembler.byPhaseAndAction(guardedVerdicts);
    metrics.verdicts(namespace, name, counts);
    RollbackPolicyStatus status = PolicyStatusAssembler.assemble(recorded, guardedVerdicts, counts,
        new PolicyStatusAssembler.Context(namespace, generation, compiled.policy().metricsConfigured(),
            compiled.policy().usedMetricSignals(), metricsProblem, conflicts, now, compiled.warningsText()));
    if (policy.getSpec().suspended()) {
      status = PolicyStatusAssembler.suspended(recorded, status, generation, now);
    }
    statusRecorder.record(policy, status);
    warnConflicts(policy, conflicts);
    UpdateControl<RollbackPolicy> control = UpdateControl.noUpdate();
    return hasCredentials(policy) ? control.rescheduleAfter(CREDENTIALS_REFRESH_MILLIS) : control;
  }

  private static boolean hasCredentials(RollbackPolicy policy) {
    var p = policy.getSpec() == null ? null : policy.getSpec().prometheus;
    return p != null && (p.bearerTokenSecretRef != null || p.caSecretRef != null);
  }

  /** Once per conflicting Deployment and policy: the Event's name is derived from both, so a repeat is refused. */
  private void warnConflicts(RollbackPolicy policy, List<RollbackPolicyStatus.Conflict> conflicts) {
    for (RollbackPolicyStatus.Conflict c : conflicts.subList(0, Math.min(conflicts.size(),
        PolicyStatusAssembler.MAX_CONFLICTS))) {
      TimelineEntry e = new TimelineEntry(Times.format(clock.millis()), "GuardConflict", "Deployment "
          + c.deployment + " is selected by this policy but guarded by the older policy " + c.guardedBy);
      eventRecorder.record(policy, policy.getMetadata().getName() + ".conflict." + c.deployment + "."
          + c.guardedBy, e);
    }
  }

  /**
   * Whether the Deployment has no verdict yet. A cached verdict owned by another Deployment of the same name (one
   * deleted and created again) is checked against the API server: if it is gone there, its delete never reached this
   * cache, and waiting for the event would leave the new Deployment unguarded for good. Costs a GET only then.
   */
  private boolean missingVerdict(Deployment d) {
    String namespace = d.getMetadata().getNamespace();
    String name = d.getMetadata().getName();
    Optional<RolloutVerdict> cached = verdicts.get(new ResourceID(name, namespace));
    if (cached.isEmpty()) {
      return true;
    }
    List<io.fabric8.kubernetes.api.model.OwnerReference> owners = cached.get().getMetadata().getOwnerReferences();
    boolean ownedByAnother = owners != null && !owners.isEmpty() && d.getMetadata().getUid() != null
        && !RolloutReader.ownedBy(cached.get(), d);
    if (!ownedByAnother) {
      return false;
    }
    boolean gone = client.resources(RolloutVerdict.class).inNamespace(namespace).withName(name).get() == null;
    if (gone) {
      LOG.warn("policy {}/{}: the cached verdict {} belongs to an earlier Deployment of that name and is gone from "
          + "the API server (a delete the cache missed): creating it anew", namespace,
          VerdictReconciler.policyOf(cached.get()), name);
    }
    return gone;
  }

  private void createVerdict(Deployment d, String policy) {
    RolloutVerdict v = new RolloutVerdict();
    v.getMetadata().setName(d.getMetadata().getName());
    v.getMetadata().setNamespace(d.getMetadata().getNamespace());
    v.getMetadata().setLabels(Map.of(RolloutVerdict.POLICY_LABEL, policy));
    // Owned by the Deployment, so a real cluster's garbage collector removes it with it; no blockOwnerDeletion.
    v.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("apps/v1")
        .withKind("Deployment").withName(d.getMetadata().getName()).withUid(d.getMetadata().getUid()).build()));
    v.setSpec(new RolloutVerdictSpec(d.getMetadata().getName(), policy));
    try {
      client.resources(RolloutVerdict.class).inNamespace(d.getMetadata().getNamespace()).resource(v).create();
      LOG.info("policy {}/{}: guards Deployment {}: verdict created", d.getMetadata().getNamespace(), policy,
          d.getMetadata().getName());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      LOG.info("policy {}/{}: verdict {} exists already", d.getMetadata().getNamespace(), policy,
          d.getMetadata().getName());
    }
  }

  @Override
  public ErrorStatusUpdateControl<RollbackPolicy> updateErrorStatus(RollbackPolicy policy,
      Context<RollbackPolicy> context, Exception e) {
    LOG.warn("policy {}/{}: reconcile failed: {}", policy.getMetadata().getNamespace(),
        policy.getMetadata().getName(), e.toString());
    return ErrorStatusUpdateControl.noStatusUpdate();
  }
}
