package io.rollbackguard.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the cluster the way kubectl does (--kubeconfig, KUBECONFIG, ~/.kube/config, or the pod's service account) and
 * says in one line what is missing or unreachable. Reads only the environment it is given, so tests can set it.
 */
final class ClusterConnection {
  static final String SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

  /** A cluster problem a user can fix, with its exit code. */
  static final class ClusterException extends Exception {
    final int exitCode;

    ClusterException(int exitCode, String message, Throwable cause) {
      super(message, cause);
      this.exitCode = exitCode;
    }
  }

  private ClusterConnection() {}

  static KubernetesClient connect(Path kubeconfig, Map<String, String> env, Path home, String userAgent)
      throws ClusterException {
    Config config = config(kubeconfig, env, home);
    config.setUserAgent(userAgent);
    config.setConnectionTimeout(3_000);
    config.setRequestTimeout(10_000);
    // One quick probe without retries: an unreachable API server is said at once, not after the back-off.
    try (KubernetesClient probe = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(config).withRequestRetryBackoffLimit(0).build()).build()) {
      probe.getKubernetesVersion();
    } catch (RuntimeException e) {
      throw new ClusterException(RollbackGuard.UNREACHABLE, "cannot reach the Kubernetes API at "
          + config.getMasterUrl() + ": " + rootMessage(e), e);
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static Config config(Path kubeconfig, Map<String, String> env, Path home) throws ClusterException {
    Path file = kubeconfig;
    if (file == null && env.get("KUBECONFIG") != null && !env.get("KUBECONFIG").isBlank()) {
      file = Path.of(env.get("KUBECONFIG").split(java.io.File.pathSeparator)[0]);
    }
    if (file == null && Files.isReadable(home.resolve(".kube/config"))) {
      file = home.resolve(".kube/config");
    }
    try {
      if (file != null) {
        if (!Files.isReadable(file)) {
          throw new ClusterException(RollbackGuard.INVALID, "kubeconfig " + file + " cannot be read", null);
        }
        return Config.fromKubeconfig(null, Files.readString(file), file.toString());
      }
      if (env.get("KUBERNETES_SERVICE_HOST") != null && Files.isReadable(Path.of(SERVICE_ACCOUNT_TOKEN))) {
        return Config.autoConfigure(null);
      }
    } catch (ClusterException e) {
      throw e;
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ClusterException(RollbackGuard.INVALID, "kubeconfig " + file + " is not UTF-8 text", e);
    } catch (Exception e) {
      throw new ClusterException(RollbackGuard.INVALID, "kubeconfig " + file + " is invalid: " + rootMessage(e), e);
    }
    throw new ClusterException(RollbackGuard.INVALID, "no cluster configured: pass --kubeconfig, set KUBECONFIG, "
        + "create ~/.kube/config, or run in a pod with a service account", null);
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    // Some library exceptions carry no message: say so in plain words rather than print a class name.
    return t.getMessage() == null || t.getMessage().isBlank() ? "no detail given (run with --verbose for the trace)"
        : t.getMessage();
  }
}
