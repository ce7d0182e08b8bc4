package io.rollbackguard.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.status.DeploymentStatus;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import io.rollbackguard.api.status.TimelineEntry;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.policy.PolicyCompiler;
import io.rollbackguard.policy.PolicyProblem;
import io.rollbackguard.signals.PrometheusClient;
import io.rollbackguard.signals.PrometheusSignals;
import io.rollbackguard.verdict.MetricReading;
import io.rollbackguard.rollout.RolloutReader;
import io.rollbackguard.rollout.RolloutSnapshot;
import io.rollbackguard.signals.PodState;
import io.rollbackguard.verdict.Verdict;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin: for each selected Deployment, observe (rollout, pods) → decide (TargetEvaluator: the verdict) → record (one
 * status write, then Events), and come back at the next sample time or deadline.
 */
@ControllerConfiguration(name = RollbackPolicyReconciler.NAME)
public final class RollbackPolicyReconciler implements Reconciler<RollbackPolicy> {
  public static final String NAME = "rollbackpolicy";
  static final long INVALID_RETRY_MILLIS = 30_000;
  private static final Logger LOG = LoggerFactory.getLogger(RollbackPolicyReconciler.class);

  private final OperatorSettings settings;
  private final Clock clock;
  private final StatusRecorder statusRecorder;
  private final EventRecorder eventRecorder;
  private final RecommendationGauges gauges;
  private final TargetEvaluator evaluator = new TargetEvaluator();
  private final PrometheusConnections prometheus;

  private InformerEventSource<Deployment, RollbackPolicy> deployments;
  private InformerEventSource<ReplicaSet, RollbackPolicy> replicaSets;
  private InformerEventSource<Pod, RollbackPolicy> pods;

  public RollbackPolicyReconciler(OperatorSettings settings, Clock clock, StatusRecorder statusRecorder,
      EventRecorder eventRecorder, RecommendationGauges gauges, PrometheusConnections prometheus) {
    this.prometheus = prometheus;
    this.settings = settings;
    this.clock = clock;
    this.statusRecorder = statusRecorder;
    this.eventRecorder = eventRecorder;
    this.gauges = gauges;
  }

  @Override
  public List<EventSource<?, RollbackPolicy>> prepareEventSources(EventSourceContext<RollbackPolicy> context) {
    IndexerResourceCache<RollbackPolicy> policies = context.getPrimaryCache();
    deployments = new InformerEventSource<>(InformerEventSourceConfiguration.from(Deployment.class, RollbackPolicy.class)
        .withName("deployments")
        .withSecondaryToPrimaryMapper(d -> selecting(policies, d))
        .build(), context);
    replicaSets = new InformerEventSource<>(InformerEventSourceConfiguration.from(ReplicaSet.class, RollbackPolicy.class)
        .withName("replicasets")
        .withSecondaryToPrimaryMapper(rs -> owner(deployments, rs, "Deployment").map(d -> selecting(policies, d))
            .orElse(Set.of()))
        .build(), context);
    // Only pods that belong to a Deployment's ReplicaSet carry this label: nothing else enters the cache, and of
    // those only what the crash-loop check reads is kept (pods are the many; their specs are large).
    pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, RollbackPolicy.class)
        .withName("pods")
        .withLabelSelector(RolloutReader.POD_TEMPLATE_HASH)
        .withItemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Pod.class,
            context.getClient().getKubernetesSerialization(), "metadata.labels", "metadata.ownerReferences",
            "status.containerStatuses", "status.initContainerStatuses"))
        .withSecondaryToPrimaryMapper(p -> owner(replicaSets, p, "ReplicaSet")
            .flatMap(rs -> owner(deployments, rs, "Deployment")).map(d -> selecting(policies, d)).orElse(Set.of()))
        .build(), context);
    return List.of(deployments, replicaSets, pods);
  }

  private static Set<ResourceID> selecting(IndexerResourceCache<RollbackPolicy> policies, Deployment d) {
    String namespace = d.getMetadata().getNamespace();
    return policies.list(namespace, p -> p.getSpec() != null
            && Selectors.matches(p.getSpec().selector, d.getMetadata().getLabels()))
        .map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  private static <O extends HasMetadata> java.util.Optional<O> owner(InformerEventSource<O, RollbackPolicy> owners,
      HasMetadata child, String kind) {
    List<OwnerReference> refs = child.getMetadata().getOwnerReferences();
    if (refs == null) {
      return java.util.Optional.empty();
    }
    return refs.stream().filter(r -> kind.equals(r.getKind())).findFirst()
        .flatMap(r -> owners.get(new ResourceID(r.getName(), child.getMetadata().getNamespace())));
  }

  @Override
  public UpdateControl<RollbackPolicy> reconcile(RollbackPolicy policy, Context<RollbackPolicy> context) {
    long now = clock.millis();
    String namespace = policy.getMetadata().getNamespace();
    String name = policy.getMetadata().getName();
    long generation = policy.getMetadata().getGeneration() == null ? 0 : policy.getMetadata().getGeneration();
    RollbackPolicyStatus recorded = statusRecorder.latest(policy);
    CompiledPolicy compiled = compile(policy);
    PrometheusConnections.Resolved connection = compiled.valid() && compiled.policy().metricsConfigured()
        ? prometheus.resolve(policy) : new PrometheusConnections.Resolved(null, null, null, null);
    if (connection.problem() != null) {
      compiled = CompiledPolicy.invalid(List.of(new PolicyProblem(connection.problemPath(), connection.problem())));
    }
    if (!compiled.valid()) {
      if (statusRecorder.record(policy, PolicyStatusAssembler.invalid(recorded, generation,
          compiled.problemsText(), now))) {
        LOG.warn("policy {}/{}: invalid: {}", namespace, name, compiled.problemsText());
      }
      gauges.update(namespace, name, recorded == null ? List.of() : recorded.deployments);
      // come back: a Secret fixed or created does not trigger an event of its own
      return UpdateControl.<RollbackPolicy>noUpdate().rescheduleAfter(INVALID_RETRY_MILLIS);
    }
    Map<String, DeploymentStatus> previous = new HashMap<>();
    if (recorded != null && recorded.deployments != null) {
      recorded.deployments.forEach(d -> previous.put(d.name, d));
    }
    List<Deployment> selected = deployments.list(namespace,
        d -> Selectors.matches(policy.getSpec().selector, d.getMetadata().getLabels())).toList();
    List<Observed> observed = selected.stream().map(this::observe).toList();
    Map<String, Map<String, MetricReading>> metrics = connection.unavailable() != null
        ? unavailable(compiled, observed, connection.unavailable())
        : connection.client() == null ? Map.of()
        : sampleMetrics(compiled, connection.client(), namespace, observed, previous, now);
    List<DeploymentStatus> targets = new ArrayList<>();
    List<Verdict> verdicts = new ArrayList<>();
    List<Runnable> events = new ArrayList<>();
    Long wakeUp = null;
    for (Observed o : observed) {
      Deployment d = o.deployment();
      TargetEvaluator.Result r = evaluator.evaluate(compiled, o.snapshot(), o.pods(),
          metrics.getOrDefault(o.snapshot().name(), Map.of()), previous.get(d.getMetadata().getName()), now);
      targets.add(r.status());
      verdicts.add(r.verdict());
      for (TimelineEntry e : r.added()) {
        events.add(() -> eventRecorder.record(d, policy, e));
      }
      if (r.wakeUpAt() != null && (wakeUp == null || r.wakeUpAt() < wakeUp)) {
        wakeUp = r.wakeUpAt();
      }
    }
    RollbackPolicyStatus status = PolicyStatusAssembler.assemble(recorded, generation, targets, verdicts,
        compiled.policy().metricsConfigured(), now);
    statusRecorder.record(policy, status);
    events.forEach(Runnable::run);
    gauges.update(namespace, name, status.deployments);
    gauges.retainOnly(context.getPrimaryCache().list()
        .map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()).collect(Collectors.toSet()));
    UpdateControl<RollbackPolicy> control = UpdateControl.noUpdate();
    return wakeUp == null ? control : control.rescheduleAfter(Math.max(wakeUp - clock.millis(), 1));
  }

  private CompiledPolicy compile(RollbackPolicy policy) {
    CompiledPolicy compiled = PolicyCompiler.compile(policy.getSpec(), settings.prometheusUrl() != null,
        settings.defaultQueries());
    String url = policy.getSpec() == null || policy.getSpec().prometheus == null ? null
        : policy.getSpec().prometheus.url;
    if (compiled.valid() && url != null && settings.prometheusUrlAllow() != null
        && !settings.prometheusUrlAllow().matcher(url).matches()) {
      return CompiledPolicy.invalid(List.of(new PolicyProblem("spec.prometheus.url",
          "'" + url + "' is not allowed by the operator's --prometheus-url-allow")));
    }
    return compiled;
  }

  /** Every used signal inconclusive for every target, with the reason: Prometheus cannot be reached as configured. */
  private static Map<String, Map<String, MetricReading>> unavailable(CompiledPolicy compiled, List<Observed> observed,
      String reason) {
    Map<String, MetricReading> none = new HashMap<>();
    compiled.policy().usedMetricSignals().forEach(s -> none.put(s, MetricReading.inconclusive(reason)));
    Map<String, Map<String, MetricReading>> out = new HashMap<>();
    observed.forEach(o -> out.put(o.snapshot().name(), none));
    return out;
  }

  /** A Deployment with what the caches say of its rollout and of its new revision's pods. */
  private record Observed(Deployment deployment, RolloutSnapshot snapshot, List<PodState> pods) {}

  /**
   * One query per signal for the whole policy, and only when a target's sample is due: a reconcile between samples
   * (a pod event, say) costs Prometheus nothing.
   */
  private static Map<String, Map<String, MetricReading>> sampleMetrics(CompiledPolicy compiled,
      PrometheusClient client, String namespace, List<Observed> observed, Map<String, DeploymentStatus> previous,
      long now) {
    boolean due = observed.stream().anyMatch(o -> TargetEvaluator.sampleDue(compiled.policy(),
        previous.get(o.snapshot().name()), o.snapshot(), now));
    if (!due) {
      return Map.of();
    }
    List<PrometheusSignals.Target> targets = observed.stream().filter(o -> o.snapshot().revision() != null)
        .map(o -> new PrometheusSignals.Target(o.snapshot().name(), o.snapshot().revision().toString(),
            o.snapshot().podTemplateHash()))
        .toList();
    return PrometheusSignals.sample(compiled.queries(), client, namespace, targets, now,
        2 * compiled.policy().intervalMillis());
  }

  private Observed observe(Deployment d) {
    String namespace = d.getMetadata().getNamespace();
    List<ReplicaSet> owned = replicaSets.list(namespace, rs -> RolloutReader.ownedBy(rs, d)).toList();
    RolloutSnapshot snapshot = RolloutReader.read(d, owned);
    String hash = snapshot.podTemplateHash();
    List<PodState> podStates = hash == null ? List.of() : pods.list(namespace,
            p -> p.getMetadata().getLabels() != null && hash.equals(p.getMetadata().getLabels()
                .get(RolloutReader.POD_TEMPLATE_HASH)))
        .map(PodState::of).toList();
    return new Observed(d, snapshot, podStates);
  }

  @Override
  public ErrorStatusUpdateControl<RollbackPolicy> updateErrorStatus(RollbackPolicy policy,
      Context<RollbackPolicy> context, Exception e) {
    LOG.warn("policy {}/{}: reconcile failed: {}", policy.getMetadata().getNamespace(),
        policy.getMetadata().getName(), e.toString());
    return ErrorStatusUpdateControl.noStatusUpdate();
  }
}
