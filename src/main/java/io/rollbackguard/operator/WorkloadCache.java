package io.rollbackguard.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.OperatorException;
import io.rollbackguard.rollout.RolloutReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's one cache of the workloads it guards: an informer each for Deployments, ReplicaSets and (labelled)
 * Pods, per watched namespace or over all of them, shared by both controllers, each keeping compact records
 * ({@link CompactWorkloads}). Plain Fabric8 informers rather than JOSDK's informer event sources, which keep a second
 * index of every secondary resource and every deleted object's uid for 20 minutes: neither is read here, and both
 * grew with churn. Looked up by name, by namespace, and by owner (a ReplicaSet by its Deployment, a Pod by its
 * ReplicaSet). Started by the first event source that starts, stopped when the last one stops.
 */
final class WorkloadCache {
  static final String BY_OWNER = "byOwner";
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadCache.class);

  private final Kind<Deployment, CompactWorkloads.DeploymentRecord> deployments;
  private final Kind<ReplicaSet, CompactWorkloads.ReplicaSetRecord> replicaSets;
  private final Kind<Pod, CompactWorkloads.PodRecord> pods;
  private final Duration syncTimeout;
  private int users;

  WorkloadCache(KubernetesClient client, Set<String> namespaces, Duration syncTimeout) {
    this.syncTimeout = syncTimeout;
    deployments = new Kind<>("Deployments", namespaces, ns -> ns == null
        ? client.apps().deployments().inAnyNamespace() : client.apps().deployments().inNamespace(ns),
        () -> new CompactStore<>(CompactWorkloads.DeploymentRecord::of, CompactWorkloads.DeploymentRecord::restore),
        Map.of());
    replicaSets = new Kind<>("ReplicaSets", namespaces, ns -> ns == null
        ? client.apps().replicaSets().inAnyNamespace() : client.apps().replicaSets().inNamespace(ns),
        () -> new CompactStore<>(CompactWorkloads.ReplicaSetRecord::of, CompactWorkloads.ReplicaSetRecord::restore),
        Map.of(BY_OWNER, rs -> owner(rs, "Deployment").map(d -> List.of(key(rs.getMetadata().getNamespace(), d)))
            .orElse(List.of())));
    // Only pods that belong to a Deployment's ReplicaSet carry this label: nothing else enters the cache.
    pods = new Kind<>("Pods", namespaces, ns -> ns == null
        ? client.pods().inAnyNamespace().withLabel(RolloutReader.POD_TEMPLATE_HASH)
        : client.pods().inNamespace(ns).withLabel(RolloutReader.POD_TEMPLATE_HASH),
        () -> new CompactStore<>(CompactWorkloads.PodRecord::of, CompactWorkloads.PodRecord::restore),
        // By owning ReplicaSet, not by template hash alone: two Deployments with the same template share a hash.
        Map.of(BY_OWNER, p -> owner(p, "ReplicaSet").map(rs -> List.of(key(p.getMetadata().getNamespace(), rs)))
            .orElse(List.of())));
  }

  static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  Optional<Deployment> deployment(String namespace, String name) {
    return deployments.get(namespace, name);
  }

  /**
   * The namespace's Deployments with their metadata alone (name, uid, labels; {@link
   * CompactWorkloads.DeploymentRecord#head}): a policy's summary walks all of them, and restoring each spec and status
   * was most of its cost at 10,000.
   */
  Stream<Deployment> deploymentHeads(String namespace) {
    return deployments.records(namespace).map(CompactWorkloads.DeploymentRecord::head);
  }

  Optional<ReplicaSet> replicaSet(String namespace, String name) {
    return replicaSets.get(namespace, name);
  }

  /** The ReplicaSets a Deployment owns (by owner name; {@code RolloutReader.ownedBy} checks the uid). */
  List<ReplicaSet> replicaSetsOf(String namespace, String deployment) {
    return replicaSets.byIndex(namespace, BY_OWNER, key(namespace, deployment));
  }

  List<Pod> podsOf(String namespace, String replicaSet) {
    return pods.byIndex(namespace, BY_OWNER, key(namespace, replicaSet));
  }

  void onDeployments(ResourceEventHandler<Deployment> handler) {
    deployments.addHandler(handler);
  }

  void onReplicaSets(ResourceEventHandler<ReplicaSet> handler) {
    replicaSets.addHandler(handler);
  }

  void onPods(ResourceEventHandler<Pod> handler) {
    pods.addHandler(handler);
  }

  /** Starts the informers on first use and returns once all have listed (or fails after the sync timeout). */
  synchronized void start() {
    if (users++ > 0) {
      return;
    }
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    Stream.of(deployments, replicaSets, pods).forEach(k -> synced.addAll(k.start()));
    try {
      CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new))
          .get(syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("workload cache synced: {} Deployments, {} ReplicaSets, {} Pods", deployments.size(),
          replicaSets.size(), pods.size());
    } catch (TimeoutException e) {
      stopAll();
      throw new OperatorException("the Deployment, ReplicaSet and Pod informers did not sync within "
          + syncTimeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      stopAll();
      throw new OperatorException("the Deployment, ReplicaSet and Pod informers failed to start: "
          + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopAll();
      throw new OperatorException("interrupted while the workload informers synced", e);
    }
  }

  synchronized void stop() {
    if (users > 0 && --users == 0) {
      stopAll();
    }
  }

  private void stopAll() {
    users = 0;
    Stream.of(deployments, replicaSets, pods).forEach(Kind::stop);
  }

  /** Synced and watching, all of them: what readiness means for these caches. */
  boolean healthy() {
    return Stream.of(deployments, replicaSets, pods).allMatch(Kind::healthy);
  }

  /** The name of {@code child}'s first owner of {@code kind}. */
  static Optional<String> owner(HasMetadata child, String kind) {
    List<OwnerReference> refs = child.getMetadata().getOwnerReferences();
    if (refs == null) {
      return Optional.empty();
    }
    return refs.stream().filter(r -> kind.equals(r.getKind())).map(OwnerReference::getName).findFirst();
  }

  /** One kind's informers: one over all namespaces, or one per watched namespace. */
  private static final class Kind<T extends HasMetadata, C> {
    private static final String ALL = "";
    private final String what;
    private final Map<String, SharedIndexInformer<T>> byNamespace = new LinkedHashMap<>();
    private final Map<String, CompactStore<T, C>> stores = new LinkedHashMap<>();

    Kind(String what, Set<String> namespaces, Function<String, Informable<T>> source,
        Supplier<CompactStore<T, C>> newStore, Map<String, Function<T, List<String>>> indexers) {
      this.what = what;
      for (String ns : namespaces.isEmpty() ? Set.of(ALL) : namespaces) {
        CompactStore<T, C> store = newStore.get();
        stores.put(ns, store);
        byNamespace.put(ns, informer(source.apply(ns.equals(ALL) ? null : ns), store, indexers));
      }
    }

    /**
     * The namespace's records, found by the namespace index (as {@link #byIndex} finds objects): with one informer
     * over all namespaces, a policy reads its own namespace's Deployments, not the cluster's.
     */
    Stream<C> records(String namespace) {
      CompactStore<T, C> store = stores.get(stores.containsKey(ALL) ? ALL : namespace);
      SharedIndexInformer<T> informer = informerFor(namespace);
      if (store == null || informer == null) {
        return Stream.empty();
      }
      return informer.getIndexer().indexKeys(Cache.NAMESPACE_INDEX, namespace).stream().map(store::record)
          .filter(java.util.Objects::nonNull);
    }

    private static <T extends HasMetadata> SharedIndexInformer<T> informer(Informable<T> source,
        CompactStore<T, ?> store, Map<String, Function<T, List<String>>> indexers) {
      // no resync: nothing here needs every object replayed periodically
      SharedIndexInformer<T> informer = source.runnableInformer(0);
      informer.itemStore(store);
      if (!indexers.isEmpty()) {
        informer.addIndexers(indexers);
      }
      return informer;
    }

    private SharedIndexInformer<T> informerFor(String namespace) {
      SharedIndexInformer<T> all = byNamespace.get(ALL);
      return all != null ? all : byNamespace.get(namespace);
    }

    Optional<T> get(String namespace, String name) {
      SharedIndexInformer<T> informer = informerFor(namespace);
      return informer == null ? Optional.empty()
          : Optional.ofNullable(informer.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }

    List<T> byIndex(String namespace, String index, String key) {
      SharedIndexInformer<T> informer = informerFor(namespace);
      return informer == null ? List.of() : informer.getIndexer().byIndex(index, key);
    }

    void addHandler(ResourceEventHandler<T> handler) {
      byNamespace.values().forEach(i -> i.addEventHandler(handler));
    }

    List<CompletableFuture<Void>> start() {
      return byNamespace.values().stream().map(i -> i.start().toCompletableFuture()).toList();
    }

    void stop() {
      byNamespace.values().forEach(SharedIndexInformer::stop);
    }

    boolean healthy() {
      return byNamespace.values().stream().allMatch(i -> i.hasSynced() && i.isWatching());
    }

    int size() {
      return byNamespace.values().stream().mapToInt(i -> i.getStore().listKeys().size()).sum();
    }

    @Override
    public String toString() {
      return what;
    }
  }
}
