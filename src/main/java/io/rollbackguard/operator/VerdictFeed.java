package io.rollbackguard.operator;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The verdicts as the verdict controller's informer holds them, shared with the policy controller: one watch on
 * verdicts instead of two, so each verdict change is received and parsed once, and held once (the policy
 * controller's own cache was a second copy of every verdict's summary fields).
 *
 * <p>The verdict controller registers {@link #verdictSide}, which JOSDK tells of every event of its primary cache
 * (create, update, delete, as {@link ResourceEventAware}); each is relayed to the policies the verdict names (its
 * policy label and the one it left, {@link RolloutVerdict#PREVIOUS_POLICY_ANNOTATION}) through {@link #policySide},
 * registered in the policy controller. The policy controller reads the verdicts from the same cache, once JOSDK has
 * started the verdict side: it starts after the cache it reads is synced.
 */
final class VerdictFeed {
  private volatile IndexerResourceCache<RolloutVerdict> cache;
  private volatile boolean synced;
  private final PolicySide policySide = new PolicySide();

  /** The verdict controller's side: its primary cache, indexed {@link VerdictReconciler#BY_POLICY}. */
  AbstractEventSource<Void, RolloutVerdict> verdictSide(IndexerResourceCache<RolloutVerdict> verdicts) {
    this.cache = verdicts;
    return new VerdictSide();
  }

  /** The policy controller's side: an event for each policy a verdict event concerns. */
  AbstractEventSource<Void, RollbackPolicy> policySide() {
    return policySide;
  }

  /** The policy controller's primary cache, for {@link #policySide}'s wake-up of every policy. */
  void policiesFrom(IndexerResourceCache<RollbackPolicy> primaryCache) {
    policySide.readFrom(primaryCache);
  }

  /** Whether the verdict cache is synced; until then it may lack verdicts that exist. */
  boolean synced() {
    return synced;
  }

  /** The verdicts labelled with a policy, by its {@code namespace/name}. */
  List<RolloutVerdict> ofPolicy(String policyKey) {
    return cache.byIndex(VerdictReconciler.BY_POLICY, policyKey);
  }

  Optional<RolloutVerdict> get(ResourceID id) {
    return cache.get(id);
  }

  /** The policies a verdict concerns: the one it is labelled with and, after a takeover, the one it left. */
  static Set<ResourceID> policiesOf(RolloutVerdict v, Set<ResourceID> into) {
    String namespace = v.getMetadata().getNamespace();
    into.add(new ResourceID(VerdictReconciler.policyOf(v), namespace));
    Map<String, String> annotations = v.getMetadata().getAnnotations();
    String left = annotations == null ? null : annotations.get(RolloutVerdict.PREVIOUS_POLICY_ANNOTATION);
    if (left != null) {
      into.add(new ResourceID(left, namespace));
    }
    return into;
  }

  private final class VerdictSide extends AbstractEventSource<Void, RolloutVerdict>
      implements ResourceEventAware<RolloutVerdict> {
    VerdictSide() {
      super(Void.class, "verdicts-to-policies");
    }

    @Override
    public Set<Void> getSecondaryResources(RolloutVerdict primary) {
      return Set.of();
    }

    // JOSDK starts a controller's own informer, synced, before the event sources added to it.
    @Override
    public void start() {
      super.start();
      synced = true;
      policySide.wakeAll();
    }

    @Override
    public void stop() {
      synced = false;
      super.stop();
    }

    @Override
    public void onResourceCreated(RolloutVerdict verdict) {
      policySide.wake(policiesOf(verdict, new HashSet<>()));
    }

    @Override
    public void onResourceUpdated(RolloutVerdict verdict, RolloutVerdict before) {
      Set<ResourceID> policies = policiesOf(verdict, new HashSet<>());
      policySide.wake(before == null ? policies : policiesOf(before, policies));
    }

    @Override
    public void onResourceDeleted(RolloutVerdict verdict) {
      policySide.wake(policiesOf(verdict, new HashSet<>()));
    }
  }

  private static final class PolicySide extends AbstractEventSource<Void, RollbackPolicy> {
    private volatile IndexerResourceCache<RollbackPolicy> policies;

    PolicySide() {
      super(Void.class, "verdicts");
    }

    void readFrom(IndexerResourceCache<RollbackPolicy> primaryCache) {
      this.policies = primaryCache;
    }

    @Override
    public Set<Void> getSecondaryResources(RollbackPolicy primary) {
      return Set.of();
    }

    void wake(Set<ResourceID> ids) {
      if (isRunning()) {
        ids.forEach(id -> getEventHandler().handleEvent(new Event(id)));
      }
    }

    /** Once the verdicts are synced: a policy reconciled before then waited for them. */
    void wakeAll() {
      IndexerResourceCache<RollbackPolicy> known = policies;
      if (isRunning() && known != null) {
        known.list().forEach(p -> getEventHandler().handleEvent(new Event(ResourceID.fromResource(p))));
      }
    }
  }
}
