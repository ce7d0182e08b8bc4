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
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.RolloutVerdictStatus;
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
 * Finds the RolloutVerdict a runbook or post-mortem is about, and its policy when it can be had (for the procedure
 * options and the MetricsAvailable condition): in the cluster (read-only, kubeconfig as `run`), or in a saved
 * `kubectl get rv NAME -o yaml` (one object, or a List, which may also hold the policy).
 */
final class VerdictLookup {
  /**
   * Saved status is read leniently, unlike a manifest: it was written by an operator that may be newer than this
   * command, and a field this version does not know must not keep anyone from their runbook during an incident.
   */
  private static final ObjectMapper SAVED = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .findAndRegisterModules();

  /** Why no verdict could be found, with the exit code that says so. */
  static final class LookupException extends Exception {
    final int exitCode;

    LookupException(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  /** A verdict, and its policy when known (null otherwise). */
  record Found(RolloutVerdict verdict, RollbackPolicy policy) {}

  private VerdictLookup() {}

  /** @param name null: the file's only (or most urgent) verdict; @param namespace null: any */
  static Found fromFile(Path file, String namespace, String name, PrintWriter err) throws LookupException {
    List<RolloutVerdict> verdicts = new ArrayList<>();
    List<RollbackPolicy> policies = new ArrayList<>();
    try {
      JsonNode root = SAVED.readTree(Files.readString(file));
      if (root == null || !root.isObject()) {
        throw invalid(file + " holds no Kubernetes object; save one with: kubectl get rv NAME -n NS -o yaml");
      }
      List<JsonNode> items = new ArrayList<>();
      if (root.path("kind").asText().endsWith("List")) {
        root.path("items").forEach(items::add);
      } else {
        items.add(root);
      }
      for (JsonNode item : items) {
        switch (item.path("kind").asText()) {
          case "RolloutVerdict" -> verdicts.add(verdict(item));
          case "RollbackPolicy" -> policies.add(SAVED.treeToValue(item, RollbackPolicy.class));
          default -> { }
        }
      }
      if (verdicts.isEmpty()) {
        throw invalid(file + " holds no RolloutVerdict" + (root.path("kind").asText().equals("RollbackPolicy")
            ? " (a RollbackPolicy holds only the summary now)" : "")
            + "; save one with: kubectl get rv NAME -n NS -o yaml");
      }
    } catch (NoSuchFileException e) {
      throw invalid(file + ": no such file");
    } catch (JsonProcessingException e) {
      throw invalid(file + ": " + (e instanceof com.fasterxml.jackson.databind.JsonMappingException m
          ? YamlErrorMessages.schema(m).problem() : YamlErrorMessages.syntax(e)));
    } catch (IOException e) {
      throw invalid(file + ": cannot read: " + ClusterConnection.rootMessage(e));
    }
    List<RolloutVerdict> matching = verdicts.stream()
        .filter(v -> name == null || name.equals(v.getMetadata().getName()))
        .filter(v -> namespace == null || namespace.equals(v.getMetadata().getNamespace()))
        .toList();
    if (matching.isEmpty()) {
      String held = verdicts.stream().map(VerdictLookup::id).collect(Collectors.joining(", "));
      String wanted = (namespace == null ? "" : namespace + "/") + (name == null ? "" : name);
      throw invalid(file + " holds no RolloutVerdict " + wanted + "; it holds " + held);
    }
    RolloutVerdict picked = mostUrgent(matching, err);
    RollbackPolicy policy = policies.stream()
        .filter(p -> Objects.equals(p.getMetadata().getNamespace(), picked.getMetadata().getNamespace())
            && picked.getSpec() != null && Objects.equals(p.getMetadata().getName(), picked.getSpec().policy))
        .findFirst().orElse(null);
    return new Found(picked, policy);
  }

  /** A procedure's empty lists may be trimmed from a saved copy; the Procedure record needs them present. */
  private static RolloutVerdict verdict(JsonNode object) throws JsonProcessingException {
    for (JsonNode holder : List.of(object.path("status"), object.path("status").path("lastIncident"))) {
      if (holder.path("procedure") instanceof ObjectNode procedure) {
        for (String list : List.of("steps", "warnings")) {
          if (!procedure.path(list).isArray()) {
            procedure.putArray(list);
          }
        }
      }
    }
    return SAVED.treeToValue(object, RolloutVerdict.class);
  }

  static Found fromCluster(Path kubeconfig, Map<String, String> env, Path home, String namespace,
      String name) throws LookupException {
    try (KubernetesClient client = ClusterConnection.connect(kubeconfig, env, home, "rollback-guard-cli/0.1.0")) {
      String ns = namespace != null ? namespace : Objects.requireNonNullElse(client.getNamespace(), "default");
      RolloutVerdict verdict = client.resources(RolloutVerdict.class).inNamespace(ns).withName(name).get();
      if (verdict == null) {
        throw invalid("no RolloutVerdict " + name + " in namespace " + ns + " (kubectl get rv -n " + ns + ")");
      }
      RollbackPolicy policy = null;
      if (verdict.getSpec() != null && verdict.getSpec().policy != null) {
        try {
          policy = client.resources(RollbackPolicy.class).inNamespace(ns).withName(verdict.getSpec().policy).get();
        } catch (KubernetesClientException e) {
          policy = null; // the verdict alone still makes a runbook
        }
      }
      return new Found(verdict, policy);
    } catch (ClusterConnection.ClusterException e) {
      throw new LookupException(e.exitCode, e.getMessage());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 401 || e.getCode() == 403) {
        throw invalid("not allowed to read RolloutVerdict " + name + ": " + ClusterConnection.rootMessage(e));
      }
      throw new LookupException(RollbackGuard.UNREACHABLE, "cannot read RolloutVerdict " + name + ": "
          + ClusterConnection.rootMessage(e));
    }
  }

  /** The only verdict, or the one with the worst action, saying on {@code err} which was picked. */
  private static RolloutVerdict mostUrgent(List<RolloutVerdict> verdicts, PrintWriter err) {
    RolloutVerdict worst = verdicts.stream().max(Comparator.comparingInt(VerdictLookup::urgency)
        .thenComparing(v -> v.getMetadata().getName(), Comparator.reverseOrder())).orElseThrow();
    if (verdicts.size() > 1) {
      String names = verdicts.stream().map(v -> v.getMetadata().getName()).collect(Collectors.joining(", "));
      RolloutVerdictStatus s = worst.getStatus();
      err.println("note: the file holds " + verdicts.size() + " RolloutVerdicts; showing "
          + worst.getMetadata().getName() + " (" + (s == null || s.action == null ? "None" : s.action)
          + ", the most urgent); name another as DEPLOYMENT: " + names);
    }
    return worst;
  }

  /** Action severity first; among equals, a verdict whose timeline records a rollback is the one with a story. */
  private static int urgency(RolloutVerdict v) {
    RolloutVerdictStatus d = v.getStatus();
    if (d == null) {
      return 0;
    }
    int severity = d.action == null ? 0 : d.action.ordinal();
    boolean rolledBack = d.timeline != null && d.timeline.stream().anyMatch(e -> "RolledBack".equals(e.event));
    return severity * 2 + (rolledBack ? 1 : 0);
  }

  static String id(io.fabric8.kubernetes.api.model.HasMetadata o) {
    if (o.getMetadata() == null) {
      return "?";
    }
    String ns = o.getMetadata().getNamespace();
    return (ns == null ? "" : ns + "/") + o.getMetadata().getName();
  }

  private static LookupException invalid(String message) {
    return new LookupException(RollbackGuard.INVALID, message);
  }
}
