package io.rollbackguard.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.rollbackguard.api.CrdSchema;
import io.rollbackguard.api.RollbackPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Watches every RollbackPolicy and RolloutVerdict as raw JSON (nothing dropped by deserialization) and checks each
 * version against the generated CRD's structural schema: what a real API server would prune or refuse, the mock
 * server stores. Every IT on {@link OperatorHarness} ends with {@link #assertAllFit}.
 */
final class SchemaWatch implements AutoCloseable {
  private static final Map<String, CrdSchema> SCHEMAS = Map.of(
      "RollbackPolicy", CrdSchema.load(Path.of("crds/rollbackpolicies.rollbackguard.io-v1.yml")),
      "RolloutVerdict", CrdSchema.load(Path.of("crds/rolloutverdicts.rollbackguard.io-v1.yml")));

  private final List<Watch> watches = new ArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger checked = new java.util.concurrent.atomic.AtomicInteger();

  SchemaWatch(KubernetesClient client) {
    for (String kind : SCHEMAS.keySet()) {
      watches.add(client.genericKubernetesResources(RollbackPolicy.API_VERSION, kind).inAnyNamespace()
          .watch(new Watcher<GenericKubernetesResource>() {
            @Override
            public void eventReceived(Action action, GenericKubernetesResource resource) {
              if (action == Action.ADDED || action == Action.MODIFIED) {
                checked.incrementAndGet();
                // The operator writes status (and a verdict's labels and spec); a test's deliberately invalid policy
                // spec is its input, not something the operator wrote.
                for (String v : SCHEMAS.get(kind).violations(resource)) {
                  if (kind.equals("RollbackPolicy") && !v.startsWith("status")) {
                    continue;
                  }
                  violations.add(kind + " " + resource.getMetadata().getName() + " (resourceVersion "
                      + resource.getMetadata().getResourceVersion() + "): " + v);
                  }
              }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
          }));
    }
  }

  /** How many object versions were checked. */
  int checked() {
    return checked.get();
  }

  void assertAllFit() {
    if (!violations.isEmpty()) {
      throw new AssertionError("the operator wrote what a real API server would prune or refuse:\n  "
          + String.join("\n  ", violations.subList(0, Math.min(20, violations.size()))));
    }
  }

  @Override
  public void close() {
    watches.forEach(Watch::close);
  }
}
