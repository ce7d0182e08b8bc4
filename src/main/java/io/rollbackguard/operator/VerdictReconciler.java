package io.rollbackguard.operator;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.spec.RolloutVerdictSpec;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.api.status.TimelineEntry;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.rollout.RolloutReader;
import io.rollbackguard.rollout.RolloutSnapshot;
import io.rollbackguard.signals.KubernetesSignals;
import io.rollbackguard.signals.PodState;
import io.rollbackguard.verdict.Policy;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One guarded Deployment per reconcile, through its RolloutVerdict (same name): observe (its Deployment, the
 * ReplicaSets it owns and the new revision's pods, found by cache index; the readings the sampler delivered) →
 * decide (TargetEvaluator) → record (one status write, then Events), and come back at the next sample or deadline.
 * A Deployment, ReplicaSet or Pod event reconciles that Deployment's verdict alone.
 */
// No periodic resync (JOSDK defaults to one every 10 h): every reconcile asks for the next one it needs, and a
// quiet object keeps no timer (cancelled java.util.Timer tasks would stay queued until their 10 h were up).
@ControllerConfiguration(name = VerdictReconciler.NAME, maxReconciliationInterval = @MaxReconciliationInterval(interval = 0))
// The API server failing for a while must not leave anything behind: retried without end, at most every 10 s.
@GradualRetry(maxAttempts = -1, initialInterval = 1_000, intervalMultiplier = 1.5, maxInterval = 10_000)
public final class VerdictReconciler implements Reconciler<RolloutVerdict> {
  public static final String NAME = "rolloutverdict";
  /** Leaves a Deployment unguarded while set to "true" (its verdict says so). */
  public static final String SKIP = "rollbackguard.io/skip";
  static final String BY_POLICY = "byPolicy";
  static final long INVALID_RETRY_MILLIS = 30_000;
  private static final Logger LOG = LoggerFactory.getLogger(VerdictReconciler.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final PolicyCatalog catalog;
  private final MetricSampler sampler;
  private final StatusRecorder<RolloutVerdict, RolloutVerdictStatus> statusRecorder;
  private final EventRecorder eventRecorder;
  private final RecommendationGauges gauges;
  private final Wakeups wakeups;
  private final VerdictFeed feed;
  private final TargetEvaluator evaluator = new TargetEvaluator();
  /** Counters and latest values alone are written at most this often (or once per interval, if longer). */
  private final long counterWriteMillis;
  private final Liveness liveness;
  private final RecommendationAlerts alerts;
  private final OperatorMetrics operatorMetrics;

  private final WorkloadCache workloads;
  private InformerEventSource<RollbackPolicy, RolloutVerdict> policies;

  VerdictReconciler(KubernetesClient client, Clock clock, PolicyCatalog catalog, MetricSampler sampler,
      StatusRecorder<RolloutVerdict, RolloutVerdictStatus> statusRecorder, EventRecorder eventRecorder,
      RecommendationGauges gauges, Wakeups wakeups, long counterWriteMillis, Liveness liveness,
      RecommendationAlerts alerts, OperatorMetrics metrics, WorkloadCache workloads, VerdictFeed feed) {
    this.workloads = workloads;
    this.feed = feed;
    this.alerts = alerts;
    this.operatorMetrics = metrics;
    this.counterWriteMillis = counterWriteMillis;
    this.liveness = liveness;
    this.client = client;
    this.clock = clock;
    this.catalog = catalog;
    this.sampler = sampler;
    this.statusRecorder = statusRecorder;
    this.eventRecorder = eventRecorder;
    this.gauges = gauges;
    this.wakeups = wakeups;
  }

  static String nsKey(String namespace, String name) {
    return namespace + "/" + name;
  }

  @Override
  public List<EventSource<?, RolloutVerdict>> prepareEventSources(EventSourceContext<RolloutVerdict> context) {
    IndexerResourceCache<RolloutVerdict> verdicts = context.getPrimaryCache();
    verdicts.addIndexer(BY_POLICY, v -> List.of(nsKey(v.getMetadata().getNamespace(), policyOf(v))));
    // A Deployment, one of its ReplicaSets or one of its new revision's Pods changed: that Deployment's verdict.
    WorkloadEvents<RolloutVerdict> changes = new WorkloadEvents<RolloutVerdict>("workloads", workloads)
        .deployments(d -> Set.of(ResourceID.fromResource(d)), (before, now) -> true)
        .replicaSets(rs -> WorkloadCache.owner(rs, "Deployment")
            .map(name -> Set.of(new ResourceID(name, rs.getMetadata().getNamespace()))).orElse(Set.of()))
        .pods(p -> deploymentOfPod(p)
            .map(name -> Set.of(new ResourceID(name, p.getMetadata().getNamespace()))).orElse(Set.of()));
    // A policy edit re-evaluates the verdicts it guards, and those of Deployments it now selects (a takeover). Only
    // an edit: the policy's own status, rewritten with every summary, says nothing a verdict reads, and mapping it
    // here re-evaluated every verdict of the policy once per summary (10,000 reconciles every 10 s at 10,000).
    policies = new InformerEventSource<>(InformerEventSourceConfiguration.from(RollbackPolicy.class,
            RolloutVerdict.class)
        .withName("policies")
        .withOnUpdateFilter(VerdictReconciler::readsChangeOf)
        .withSecondaryToPrimaryMapper(p -> {
          String ns = p.getMetadata().getNamespace();
          Set<ResourceID> ids = new HashSet<>();
          verdicts.byIndex(BY_POLICY, nsKey(ns, p.getMetadata().getName()))
              .forEach(v -> ids.add(ResourceID.fromResource(v)));
          workloads.deploymentHeads(ns).filter(d -> Guardianship.selects(p, d.getMetadata().getLabels()))
              .forEach(d -> ids.add(ResourceID.fromResource(d)));
          return ids;
        })
        // Nothing asks JOSDK for a verdict's policies: no index of them is kept.
        .withPrimaryToSecondaryMapper(v -> Set.of())
        .build(), context);
    return List.of(changes, policies, wakeups, feed.verdictSide(verdicts));
  }

  /**
   * Whether a policy update changes what a verdict reads of its policy: its spec (generation), its deletion, the
   * creation time that decides which of two policies guards a Deployment, or its uid (the same name re-created). Not
   * its status or labels.
   */
  static boolean readsChangeOf(RollbackPolicy now, RollbackPolicy before) {
    ObjectMeta n = now.getMetadata();
    ObjectMeta b = before.getMetadata();
    return !Objects.equals(n.getGeneration(), b.getGeneration())
        || !Objects.equals(n.getDeletionTimestamp(), b.getDeletionTimestamp())
        || !Objects.equals(n.getCreationTimestamp(), b.getCreationTimestamp())
        || !Objects.equals(n.getUid(), b.getUid());
  }

  static String policyOf(RolloutVerdict v) {
    Map<String, String> labels = v.getMetadata().getLabels();
    String label = labels == null ? null : labels.get(RolloutVerdict.POLICY_LABEL);
    return label != null ? label : v.getSpec() == null ? "" : v.getSpec().policy;
  }

  /**
   * The Deployment of a pod, from its owning ReplicaSet's name: the Deployment controller names each ReplicaSet
   * {@code <deployment>-<pod-template-hash>}. Read from the name rather than the ReplicaSet cache because a pod's
   * delete often arrives after its ReplicaSet's. A ReplicaSet named otherwise (created by hand) is looked up in the
   * cache.
   */
  private Optional<String> deploymentOfPod(Pod pod) {
    Optional<String> rsName = WorkloadCache.owner(pod, "ReplicaSet");
    String hash = pod.getMetadata().getLabels() == null ? null
        : pod.getMetadata().getLabels().get(RolloutReader.POD_TEMPLATE_HASH);
    if (rsName.isPresent() && hash != null && rsName.get().endsWith("-" + hash)
        && rsName.get().length() > hash.length() + 1) {
      return Optional.of(rsName.get().substring(0, rsName.get().length() - hash.length() - 1));
    }
    return rsName.flatMap(rs -> workloads.replicaSet(pod.getMetadata().getNamespace(), rs))
        .flatMap(rs -> WorkloadCache.owner(rs, "Deployment"));
  }

  @Override
  public UpdateControl<RolloutVerdict> reconcile(RolloutVerdict verdict, Context<RolloutVerdict> context) {
    long now = clock.millis();
    String namespace = verdict.getMetadata().getNamespace();
    String name = verdict.getMetadata().getName();
    liveness.met(due(namespace, name));
    Optional<Deployment> found = workloads.deployment(namespace, name);
    if (found.isEmpty()) {
      delete(verdict, "its Deployment is gone");
      return UpdateControl.noUpdate();
    }
    Deployment deployment = found.get();
    Optional<RollbackPolicy> guardian = Guardianship.guardian(deployment, policies.list(namespace));
    RolloutVerdictStatus recorded = statusRecorder.latest(verdict);
    if (guardian.isEmpty()) {
      return unguarded(verdict, deployment, recorded);
    }
    RollbackPolicy policy = guardian.get();
    String policyName = policy.getMetadata().getName();
    String previousPolicy = policyOf(verdict);
    if (!policyName.equals(previousPolicy) || verdict.getSpec() == null
        || !policyName.equals(verdict.getSpec().policy)) {
      sampler.untrack(nsKey(namespace, previousPolicy), name);
      verdict = takeOver(verdict, policyName);
      if (verdict == null) {
        return UpdateControl.noUpdate();
      }
    }
    String policyKey = nsKey(namespace, policyName);
    String paused = paused(policy, deployment);
    if (paused != null) {
      return hold(verdict, policyKey, recorded, paused);
    }
    CompiledPolicy compiled = catalog.compiled(policy);
    if (!compiled.valid()) {
      // The policy's own status says why; what this verdict recommended before stays as it was.
      sampler.untrack(policyKey, name);
      return UpdateControl.<RolloutVerdict>noUpdate().rescheduleAfter(INVALID_RETRY_MILLIS);
    }
    Policy p = compiled.policy();
    List<ReplicaSet> owned = workloads.replicaSetsOf(namespace, name);
    RolloutSnapshot snapshot = RolloutReader.read(deployment, owned);
    String hash = snapshot.podTemplateHash();
    String current = hash == null ? null : owned.stream()
        .filter(rs -> RolloutReader.ownedBy(rs, deployment) && rs.getMetadata().getLabels() != null
            && hash.equals(rs.getMetadata().getLabels().get(RolloutReader.POD_TEMPLATE_HASH)))
        .map(rs -> rs.getMetadata().getName()).findFirst().orElse(null);
    List<PodState> podStates = current == null ? List.of()
        : workloads.podsOf(namespace, current).stream().map(PodState::of).toList();
    MetricSource metrics = p.metricsConfigured() ? (s, at) -> sampler.sampling(policyKey, name, p, s, at) : null;
    TargetEvaluator.Result r = evaluator.evaluate(compiled, snapshot, podStates, metrics, recorded, now);
    DecisionKey change = DecisionKey.between(recorded, r.status());
    long counterMillis = Math.max(p.intervalMillis(), counterWriteMillis);
    // After a takeover the verdict read is a newer object, whose status the recorder compares afresh.
    boolean written = statusRecorder.latest(verdict) == recorded
        ? change.statusChanged() && statusRecorder.recordChanged(verdict, r.status(), change.decisionChanged(),
            counterMillis, now)
        : statusRecorder.record(verdict, r.status(), change.decisionChanged(), counterMillis, now);
    EvaluationState state = r.state();
    // Counted once the decision is recorded (written or held), before its Events: a retry starts from it.
    operatorMetrics.recommended(namespace, policyName, r.added(), r.status().action);
    operatorMetrics.samples(namespace, policyName, recorded == null ? null : recorded.evaluation, state,
        p.metricsConfigured() ? p.usedMetricSignals() : Set.of(),
        p.metricsConfigured() ? p.watchedMetricSignals() : Set.of());
    if (written || !r.added().isEmpty()) {
      for (TimelineEntry e : r.added()) {
        eventRecorder.record(deployment, verdict, r.status().revision, e);
      }
    }
    gauges.set(namespace, policyName, name, r.status().action);
    alerts.recorded(namespace, policyName, name, compiled.notifications(), r.status(), r.added(), now);
    Long wakeUp = null;
    if (state != null && state.takesSamples()) {
      if (state.windowOpen()) {
        operatorMetrics.observing(namespace, name, policyName, state.revision, state.rolloutStartedAt);
      } else {
        operatorMetrics.notObserving(namespace, name);
      }
      long next = MetricSampler.nextNeeded(p, state);
      if (p.metricsConfigured()) {
        sampler.track(policyKey, new MetricSampler.Target(name, state.revision, hash, next,
            state.countedSamples() == 0, state.rolloutStartedAt, p.samplingInterval(state)));
        // The sampler wakes this verdict when the readings are in; this is the fallback should it not.
        wakeUp = next + sampleDeadlineMillis(policyKey) + 2_000;
      } else {
        wakeUp = next;
      }
    } else {
      sampler.untrack(policyKey, name);
      operatorMetrics.notObserving(namespace, name);
    }
    Long decideBy = r.verdict() == null ? null : r.verdict().decideBy();
    if (decideBy != null && decideBy > now && (wakeUp == null || decideBy < wakeUp)) {
      wakeUp = decideBy;
    }
    UpdateControl<RolloutVerdict> control = UpdateControl.noUpdate();
    if (wakeUp == null) {
      return control;
    }
    liveness.expect(due(namespace, name), wakeUp, p.intervalMillis());
    return control.rescheduleAfter(Math.max(wakeUp - clock.millis(), 1));
  }

  private static String due(String namespace, String name) {
    return "the next reconcile of verdict " + namespace + "/" + name;
  }

  /** Why this Deployment is not evaluated now: its policy is suspended, or the Deployment asks to be skipped. */
  static String paused(RollbackPolicy policy, Deployment deployment) {
    if (policy.getSpec() != null && policy.getSpec().suspended()) {
      return "policy " + policy.getMetadata().getName() + " is suspended (spec.suspend: true)";
    }
    Map<String, String> annotations = deployment.getMetadata().getAnnotations();
    if (annotations != null && "true".equalsIgnoreCase(String.valueOf(annotations.get(SKIP)).trim())) {
      return "skipped: the Deployment has " + SKIP + "=true";
    }
    return null;
  }

  /**
   * Paused: no sample and no new recommendation; what is latched stays visible, and the state stays as it was so that
   * the window resumes where it stood once the pause ends.
   */
  private UpdateControl<RolloutVerdict> hold(RolloutVerdict verdict, String policyKey, RolloutVerdictStatus recorded,
      String why) {
    sampler.untrack(policyKey, verdict.getMetadata().getName());
    RolloutVerdictStatus status = recorded == null ? new RolloutVerdictStatus() : StatusCopies.copy(recorded);
    // skipped: no policy guards it while the annotation is set; suspended: its policy still does, but waits
    status.guarded = !why.startsWith("skipped");
    if (recorded == null || recorded.reason == null || !recorded.reason.startsWith(why)) {
      String latched = recorded != null && recorded.action != null && recorded.action != Action.None
          ? "; still latched: " + recorded.action + ": " + recorded.reason : "";
      status.reason = why + latched;
    }
    statusRecorder.record(verdict, status);
    return UpdateControl.noUpdate();
  }

  private long sampleDeadlineMillis(String policyKey) {
    PrometheusConnections.Resolved c = catalog.connection(policyKey);
    return c == null || c.client() == null ? 5_000 : c.client().timeoutMillis();
  }

  /**
   * No policy selects the Deployment any more: its verdict goes, unless it holds a latched rollback, which stays
   * visible ({@code guarded: false}) until it is dismissed or a new revision rolls out.
   */
  private UpdateControl<RolloutVerdict> unguarded(RolloutVerdict verdict, Deployment deployment,
      RolloutVerdictStatus recorded) {
    String name = verdict.getMetadata().getName();
    sampler.untrack(nsKey(verdict.getMetadata().getNamespace(), policyOf(verdict)), name);
    operatorMetrics.notObserving(verdict.getMetadata().getNamespace(), name);
    if (policies.get(new ResourceID(policyOf(verdict), verdict.getMetadata().getNamespace())).isEmpty()) {
      // its policy was deleted: no reconcile of that policy will drop the policy's series
      operatorMetrics.forgetPolicy(verdict.getMetadata().getNamespace(), policyOf(verdict));
    }
    boolean latched = recorded != null && recorded.action != null && recorded.action.isRollback();
    Long revision = RolloutReader.read(deployment, List.of()).revision();
    String dismissed = deployment.getMetadata().getAnnotations() == null ? null
        : deployment.getMetadata().getAnnotations().get(KubernetesSignals.DISMISS);
    boolean over = recorded == null || recorded.revision == null || !recorded.revision.equals(revision)
        || (dismissed != null && dismissed.trim().equals(String.valueOf(recorded.revision)));
    if (!latched || over) {
      delete(verdict, "no policy selects its Deployment");
      return UpdateControl.noUpdate();
    }
    if (!Boolean.FALSE.equals(recorded.guarded)) {
      RolloutVerdictStatus status = StatusCopies.copy(recorded);
      status.guarded = false;
      status.reason = "no policy guards it now; " + recorded.reason;
      statusRecorder.record(verdict, status);
      gauges.set(verdict.getMetadata().getNamespace(), policyOf(verdict), name, recorded.action);
    }
    return UpdateControl.noUpdate();
  }

  /** The guarding policy changed (a selector edit, a policy re-created): the verdict keeps its state. */
  private RolloutVerdict takeOver(RolloutVerdict verdict, String policy) {
    String left = policyOf(verdict);
    RolloutVerdict updated = new RolloutVerdict();
    // a copy: the cached object is the informer's, never to be changed in place
    updated.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(verdict.getMetadata()).build());
    Map<String, String> labels = new HashMap<>(verdict.getMetadata().getLabels() == null ? Map.of()
        : verdict.getMetadata().getLabels());
    labels.put(RolloutVerdict.POLICY_LABEL, policy);
    updated.getMetadata().setLabels(labels);
    // The policy it leaves is told too (its summary must drop it): the policy controller maps this annotation.
    Map<String, String> annotations = new HashMap<>(verdict.getMetadata().getAnnotations() == null ? Map.of()
        : verdict.getMetadata().getAnnotations());
    annotations.put(RolloutVerdict.PREVIOUS_POLICY_ANNOTATION, left);
    updated.getMetadata().setAnnotations(annotations);
    updated.setSpec(new RolloutVerdictSpec(verdict.getMetadata().getName(), policy));
    updated.setStatus(verdict.getStatus());
    try {
      RolloutVerdict result = client.resources(RolloutVerdict.class).inNamespace(verdict.getMetadata().getNamespace())
          .resource(updated).update();
      LOG.info("verdict {}/{}: now guarded by policy {}", verdict.getMetadata().getNamespace(),
          verdict.getMetadata().getName(), policy);
      result.setStatus(verdict.getStatus());
      return result;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw e;
    }
  }

  private void delete(RolloutVerdict verdict, String why) {
    String namespace = verdict.getMetadata().getNamespace();
    String name = verdict.getMetadata().getName();
    try {
      client.resources(RolloutVerdict.class).inNamespace(namespace).withName(name).delete();
      LOG.info("verdict {}/{}: deleted: {}", namespace, name, why);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    statusRecorder.forget(namespace, name);
    liveness.met(due(namespace, name));
    sampler.untrack(nsKey(namespace, policyOf(verdict)), name);
    gauges.remove(namespace, name);
    alerts.gone(namespace, name);
    operatorMetrics.notObserving(namespace, name);
  }

  @Override
  public ErrorStatusUpdateControl<RolloutVerdict> updateErrorStatus(RolloutVerdict verdict,
      Context<RolloutVerdict> context, Exception e) {
    LOG.warn("verdict {}/{} (policy {}): reconcile failed: {}", verdict.getMetadata().getNamespace(),
        verdict.getMetadata().getName(), policyOf(verdict), e.toString());
    return ErrorStatusUpdateControl.noStatusUpdate();
  }
}
