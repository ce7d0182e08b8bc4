package io.rollbackguard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.status.DeploymentStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Finds the policy and the target a runbook or post-mortem is about: in the cluster (read-only, kubeconfig as `run`),
 * or in a saved `kubectl get rbp NAME -o yaml` (one object, or a List of them).
 */
final class PolicyLookup {
  /**
   * Saved status is read leniently, unlike a manifest: it was written by an operator that may be newer than this
   * command, and a field this version does not know must not keep anyone from their runbook during an incident.
   */
  private static final ObjectMapper SAVED = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .findAndRegisterModules();

  /** Why no target could be found, with the exit code that says so. */
  static final class LookupException extends Exception {
    final int exitCode;

    LookupException(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  private PolicyLookup() {}

  /** @param name null: the file's only policy; @param namespace null: any */
  static RollbackPolicy fromFile(Path file, String namespace, String name) throws LookupException {
    List<RollbackPolicy> policies = new ArrayList<>();
    try {
      JsonNode root = SAVED.readTree(Files.readString(file));
      if (root == null || !root.isObject()) {
        throw invalid(file + " holds no Kubernetes object; save one with: kubectl get rbp NAME -n NS -o yaml");
      }
      if (root.path("kind").asText().endsWith("List")) {
        for (JsonNode item : root.path("items")) {
          if ("RollbackPolicy".equals(item.path("kind").asText())) {
            policies.add(policy(item));
          }
        }
      } else if ("RollbackPolicy".equals(root.path("kind").asText())) {
        policies.add(policy(root));
      } else {
        throw invalid(file + " holds a " + root.path("kind").asText("object without kind")
            + ", not a RollbackPolicy; save one with: kubectl get rbp NAME -n NS -o yaml");
      }
    } catch (NoSuchFileException e) {
      throw invalid(file + ": no such file");
    } catch (JsonProcessingException e) {
      throw invalid(file + ": " + (e instanceof com.fasterxml.jackson.databind.JsonMappingException m
          ? YamlErrorMessages.schema(m).problem() : YamlErrorMessages.syntax(e)));
    } catch (IOException e) {
      throw invalid(file + ": cannot read: " + ClusterConnection.rootMessage(e));
    }
    List<RollbackPolicy> matching = policies.stream()
        .filter(p -> name == null || name.equals(p.getMetadata().getName()))
        .filter(p -> namespace == null || namespace.equals(p.getMetadata().getNamespace()))
        .toList();
    if (matching.size() == 1) {
      return matching.get(0);
    }
    String held = policies.stream().map(PolicyLookup::id).collect(Collectors.joining(", "));
    if (matching.isEmpty()) {
      String wanted = (namespace == null ? "" : namespace + "/") + (name == null ? "" : name);
      throw invalid(file + " holds no RollbackPolicy " + wanted + (held.isEmpty() ? "" : "; it holds " + held));
    }
    throw invalid(file + " holds " + matching.size() + " RollbackPolicies (" + held + "): name one as POLICY");
  }

  /** A procedure's empty lists may be trimmed from a saved copy; the Procedure record needs them present. */
  private static RollbackPolicy policy(JsonNode object) throws JsonProcessingException {
    for (JsonNode target : object.path("status").path("deployments")) {
      if (target.path("procedure") instanceof ObjectNode procedure) {
        for (String list : List.of("steps", "warnings")) {
          if (!procedure.path(list).isArray()) {
            procedure.putArray(list);
          }
        }
      }
    }
    return SAVED.treeToValue(object, RollbackPolicy.class);
  }

  static RollbackPolicy fromCluster(Path kubeconfig, Map<String, String> env, Path home, String namespace,
      String name) throws LookupException {
    try (KubernetesClient client = ClusterConnection.connect(kubeconfig, env, home, "rollback-guard-cli/0.1.0")) {
      String ns = namespace != null ? namespace : Objects.requireNonNullElse(client.getNamespace(), "default");
      RollbackPolicy policy = client.resources(RollbackPolicy.class).inNamespace(ns).withName(name).get();
      if (policy == null) {
        throw invalid("no RollbackPolicy " + name + " in namespace " + ns + " (kubectl get rbp -n " + ns + ")");
      }
      return policy;
    } catch (ClusterConnection.ClusterException e) {
      throw new LookupException(e.exitCode, e.getMessage());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 401 || e.getCode() == 403) {
        throw invalid("not allowed to read RollbackPolicy " + name + ": " + ClusterConnection.rootMessage(e));
      }
      throw new LookupException(RollbackGuard.UNREACHABLE, "cannot read RollbackPolicy " + name + ": "
          + ClusterConnection.rootMessage(e));
    }
  }

  /**
   * The named target, or else the one with the worst action (a rolled-back one before a quiet one), saying on
   * {@code err} which was picked when there was a choice.
   */
  static DeploymentStatus target(RollbackPolicy policy, String deployment, PrintWriter err) throws LookupException {
    List<DeploymentStatus> targets = policy.getStatus() == null || policy.getStatus().deployments == null ? List.of()
        : policy.getStatus().deployments.stream().filter(d -> d != null && d.name != null).toList();
    if (targets.isEmpty()) {
      throw invalid("RollbackPolicy " + id(policy) + (policy.getStatus() == null
          ? " has no status yet: is the operator running?" : " selects no Deployment"));
    }
    String names = targets.stream().map(d -> d.name).collect(Collectors.joining(", "));
    if (deployment != null) {
      return targets.stream().filter(d -> deployment.equals(d.name)).findFirst().orElseThrow(() ->
          invalid("RollbackPolicy " + id(policy) + " has no target named " + deployment + "; its targets: " + names));
    }
    DeploymentStatus worst = targets.stream().max(Comparator.comparingInt(PolicyLookup::urgency)
        .thenComparing(d -> d.name, Comparator.reverseOrder())).orElseThrow();
    if (targets.size() > 1) {
      err.println("note: RollbackPolicy " + id(policy) + " has " + targets.size() + " targets; showing " + worst.name
          + " (" + (worst.action == null ? "None" : worst.action) + ", the most urgent); name another as DEPLOYMENT: "
          + names);
    }
    return worst;
  }

  /** Action severity first; among equals, a target whose timeline records a rollback is the one with a story. */
  private static int urgency(DeploymentStatus d) {
    int severity = d.action == null ? 0 : d.action.ordinal();
    boolean rolledBack = d.timeline != null && d.timeline.stream().anyMatch(e -> "RolledBack".equals(e.event));
    return severity * 2 + (rolledBack ? 1 : 0);
  }

  static String id(RollbackPolicy p) {
    if (p.getMetadata() == null) {
      return "?";
    }
    String ns = p.getMetadata().getNamespace();
    return (ns == null ? "" : ns + "/") + p.getMetadata().getName();
  }

  private static LookupException invalid(String message) {
    return new LookupException(RollbackGuard.INVALID, message);
  }
}
