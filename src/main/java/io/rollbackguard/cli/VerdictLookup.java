package io.rollbackguard.cli;

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
import io.rollbackguard.manifest.ManifestDocument;
import io.rollbackguard.manifest.ManifestReader;
import io.rollbackguard.manifest.SchemaException;
import io.rollbackguard.manifest.UnreadableInputException;
import java.io.PrintWriter;
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
    return fromFile(ManifestReader.defaults(), file, namespace, name, err);
  }

  /**
   * @param file {@code -} for standard input; every document is read, and the items of a List, so that
   *     {@code kubectl get rv,rbp -o yaml} and several saved objects in one file are alike
   */
  static Found fromFile(ManifestReader reader, Path file, String namespace, String name, PrintWriter err)
      throws LookupException {
    String source = ManifestReader.displayName(file);
    List<RolloutVerdict> verdicts = new ArrayList<>();
    List<RollbackPolicy> policies = new ArrayList<>();
    try {
      List<ManifestDocument> documents = reader.read(file);
      if (documents.stream().noneMatch(d -> d.tree().isObject())) {
        throw invalid(source + " holds no Kubernetes object; save one with: kubectl get rv NAME -n NS -o yaml");
      }
      for (ManifestDocument document : documents) {
        switch (document.kind()) {
          case "RolloutVerdict" -> verdicts.add(verdict(document));
          case "RollbackPolicy" -> policies.add(document.bind(SAVED, RollbackPolicy.class));
          default -> { }
        }
      }
      if (verdicts.isEmpty()) {
        throw invalid(source + " holds no RolloutVerdict" + (policies.isEmpty() ? ""
            : " (a RollbackPolicy holds only the summary now)")
            + "; save one with: kubectl get rv NAME -n NS -o yaml");
      }
    } catch (UnreadableInputException e) {
      throw invalid(source + ": " + e.getMessage());
    } catch (SchemaException e) {
      throw invalid(source + ": " + e.getMessage());
    }
    List<RolloutVerdict> matching = verdicts.stream()
        .filter(v -> name == null || name.equals(v.getMetadata().getName()))
        .filter(v -> namespace == null || namespace.equals(v.getMetadata().getNamespace()))
        .toList();
    if (matching.isEmpty()) {
      String held = verdicts.stream().map(VerdictLookup::id).collect(Collectors.joining(", "));
      String wanted = (namespace == null ? "" : namespace + "/") + (name == null ? "" : name);
      throw invalid(source + " holds no RolloutVerdict " + wanted + "; it holds " + held);
    }
    RolloutVerdict picked = mostUrgent(matching, err);
    RollbackPolicy policy = policies.stream()
        .filter(p -> Objects.equals(p.getMetadata().getNamespace(), picked.getMetadata().getNamespace())
            && picked.getSpec() != null && Objects.equals(p.getMetadata().getName(), picked.getSpec().policy))
        .findFirst().orElse(null);
    return new Found(picked, policy);
  }

  /** A procedure's empty lists may be trimmed from a saved copy; the Procedure record needs them present. */
  private static RolloutVerdict verdict(ManifestDocument document) throws SchemaException {
    JsonNode object = document.tree();
    for (JsonNode holder : List.of(object.path("status"), object.path("status").path("lastIncident"))) {
      if (holder.path("procedure") instanceof ObjectNode procedure) {
        for (String list : List.of("steps", "warnings")) {
          if (!procedure.path(list).isArray()) {
            procedure.putArray(list);
          }
        }
      }
    }
    return document.bind(SAVED, RolloutVerdict.class);
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
