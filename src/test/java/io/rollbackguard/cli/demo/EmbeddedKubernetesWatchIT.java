package io.rollbackguard.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded API server resumes an operator's watch from the resourceVersion it asks for, as an API server does: the
 * CRUD mock alone would send the whole store again as ADDED on every re-open.
 */
class EmbeddedKubernetesWatchIT {
  private EmbeddedKubernetes k8s;
  private KubernetesClient operator;

  @BeforeEach
  void start() {
    k8s = EmbeddedKubernetes.start();
    operator = k8s.newOperatorClient();
  }

  @AfterEach
  void stop() {
    operator.close();
    k8s.close();
  }

  @Test
  void aWatchFromAResourceVersionGetsOnlyWhatChangedAfterIt() {
    create("a");
    create("b");
    String listed = operator.configMaps().inNamespace("shop").list().getMetadata().getResourceVersion();
    create("c");
    k8s.client().configMaps().inNamespace("shop").withName("a").edit(cm -> {
      cm.setData(java.util.Map.of("k", "v2"));
      return cm;
    });

    List<String> fromListed = new CopyOnWriteArrayList<>();
    try (Watch w = watch(listed, fromListed)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> fromListed.size() >= 2);
      // what happens once the watch is open is sent as it happens
      create("d");
      k8s.client().configMaps().inNamespace("shop").withName("c").edit(cm -> {
        cm.setData(java.util.Map.of("k", "v2"));
        return cm;
      });
      k8s.client().configMaps().inNamespace("shop").withName("b").delete();
      await().atMost(Duration.ofSeconds(10)).until(() -> fromListed.contains("DELETED b"));
    }
    // c was created and a edited after the list: both come as ADDED (an API server would send a's as MODIFIED, which
    // an informer treats alike); b, unchanged since the list, is not sent again until it changes
    assertThat(fromListed).containsExactlyInAnyOrder("ADDED c", "ADDED a", "ADDED d", "MODIFIED c", "DELETED b");
  }

  @Test
  void aWatchFromNoResourceVersionGetsEverything() {
    create("a");
    create("b");
    List<String> all = new CopyOnWriteArrayList<>();
    try (Watch w = watch(null, all)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> all.size() >= 2);
    }
    assertThat(all).containsExactlyInAnyOrder("ADDED a", "ADDED b");
  }

  @Test
  void theResourceVersionIsReadFromTheWatchQuery() {
    assertThat(EmbeddedKubernetes.askedVersionOf("/api/v1/namespaces/shop/configmaps?allowWatchBookmarks=true"
        + "&resourceVersion=1234&timeoutSeconds=600&watch=true")).isEqualTo(1234);
    assertThat(EmbeddedKubernetes.askedVersionOf("/api/v1/configmaps?resourceVersion=0&watch=true")).isZero();
    assertThat(EmbeddedKubernetes.askedVersionOf("/api/v1/configmaps?watch=true")).isZero();
    assertThat(EmbeddedKubernetes.askedVersionOf("/api/v1/configmaps")).isZero();
    assertThat(EmbeddedKubernetes.askedVersionOf("/api/v1/configmaps?resourceVersion=12&sendInitialEvents=true"
        + "&watch=true")).isZero();
  }

  private void create(String name) {
    k8s.client().configMaps().inNamespace("shop").resource(new ConfigMapBuilder().withNewMetadata().withName(name)
        .withNamespace("shop").endMetadata().addToData("k", "v").build()).create();
  }

  private Watch watch(String resourceVersion, List<String> events) {
    return operator.configMaps().inNamespace("shop").watch(
        new ListOptionsBuilder().withResourceVersion(resourceVersion).build(), new Watcher<ConfigMap>() {
          @Override
          public void eventReceived(Action action, ConfigMap cm) {
            events.add(action + " " + cm.getMetadata().getName());
          }

          @Override
          public void onClose(WatcherException cause) {
          }
        });
  }
}
