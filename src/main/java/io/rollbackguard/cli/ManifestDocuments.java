package io.rollbackguard.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.manifest.ManifestDocument;
import io.rollbackguard.manifest.ManifestReader;
import io.rollbackguard.manifest.Position;
import io.rollbackguard.manifest.SchemaException;
import io.rollbackguard.manifest.UnreadableInputException;
import io.rollbackguard.policy.PolicyProblem;
import io.rollbackguard.policy.PolicyYaml;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The documents of one manifest file as lint judges them: each RollbackPolicy read with the operator's strict mapper,
 * a document of our API group that is not one a person writes refused, every other document named so that lint can say
 * it skipped it. The file is read once ({@link ManifestReader}), every document of it at once.
 */
final class ManifestDocuments {
  private static final String POLICY = HasMetadata.getKind(RollbackPolicy.class);
  private static final String VERDICT = HasMetadata.getKind(RolloutVerdict.class);

  /** One document of the file. */
  sealed interface Document permits Policy, SchemaError, WrongKind, Skipped {}

  /**
   * A RollbackPolicy that the strict mapper accepted.
   *
   * @param apiVersion as written: the custom resource class reports its own, whatever the manifest says
   * @param at where its {@code metadata.name} is written
   * @param placeOf where the field a problem names is written ({@link ManifestDocument#positionOf})
   */
  record Policy(String name, String namespace, String apiVersion, RollbackPolicy policy, Position at,
      java.util.function.Function<String, Position> placeOf) implements Document {
    /** The apiVersion as the API server would judge it: empty when it is the one the CRD serves. */
    Optional<PolicyProblem> apiVersionProblem() {
      if (RollbackPolicy.API_VERSION.equals(apiVersion)) {
        return Optional.empty();
      }
      return Optional.of(new PolicyProblem("apiVersion", apiVersion.isEmpty()
          ? "required: " + RollbackPolicy.API_VERSION
          : "'" + apiVersion + "' is not " + RollbackPolicy.API_VERSION + ", the version the CRD serves"));
    }
  }

  /**
   * A RollbackPolicy the strict mapper refused: a wrong type, an unknown field, a value outside an enum.
   *
   * @param problem {@code path: message}
   * @param where {@code line L, column C}, or empty when not known
   */
  record SchemaError(String name, String problem, String where) implements Document {}

  /** A document of our API group ({@code rollbackguard.io/...}) whose kind is not one to apply: surely a mistake. */
  record WrongKind(String name, String problem) implements Document {}

  /** A document that is not a RollbackPolicy: another kind, or not a Kubernetes object at all. */
  record Skipped(String what) implements Document {}

  /**
   * What a command that reads policies ({@code lint}, {@code alerts}) gets of one file.
   *
   * @param source the file as messages name it
   * @param documents in file order; empty when the file was skipped or could not be read
   * @param unreadable whether it could not be read or parsed (already said on stderr)
   * @param namesDocuments whether the file holds more than one document to judge (not skipped): then messages name
   *     the document too
   */
  record FileDocuments(String source, List<Document> documents, boolean unreadable, boolean namesDocuments) {
    /** How messages name a document: by its file, and by its name too when the file holds more than one to judge. */
    String label(String name) {
      return namesDocuments ? source + " (" + name + ")" : source;
    }
  }

  private ManifestDocuments() {}

  private static List<Document> read(ManifestReader reader, Path file) throws UnreadableInputException {
    return reader.read(file).stream().map(ManifestDocuments::judge).toList();
  }

  /**
   * One file as the policy commands read it, saying on {@code err} what they all say: a policy test file is skipped
   * ({@code testFileNote} says what to run instead), a file that cannot be read is an error.
   */
  static FileDocuments readForPolicies(ManifestReader reader, Path file, String testFileNote, PrintWriter err) {
    String source = ManifestReader.displayName(file);
    if (ManifestFiles.isPolicyTest(file)) {
      err.println(source + ": skipped (" + testFileNote + ")");
      return new FileDocuments(source, List.of(), false, false);
    }
    List<Document> documents;
    try {
      documents = read(reader, file);
    } catch (UnreadableInputException e) {
      err.println("error: " + source + ": " + e.getMessage());
      return new FileDocuments(source, List.of(), true, false);
    }
    // counted once here: label() is called for every document, and a file may hold thousands
    long judged = documents.stream().filter(d -> !(d instanceof Skipped)).count();
    return new FileDocuments(source, documents, false, judged > 1);
  }

  private static Document judge(ManifestDocument d) {
    String kind = d.kind();
    String name = d.name();
    if (!d.tree().isObject()) {
      return new Skipped(d.label() + " (not a Kubernetes object)");
    } else if (kind.isEmpty()) {
      return new Skipped(d.label() + " (no kind: not a Kubernetes object)");
    } else if (POLICY.equals(kind)) {
      try {
        return new Policy(name, d.namespace(), d.apiVersion(), PolicyYaml.bind(d), d.namePosition(), d::positionOf);
      } catch (SchemaException e) {
        String path = e.path().isEmpty() ? "" : e.path() + ": ";
        return new SchemaError(name, path + e.problem(), e.position() == null ? "" : e.position().toString());
      }
    } else if (d.apiVersion().equals(RollbackPolicy.GROUP) || d.apiVersion().startsWith(RollbackPolicy.GROUP + "/")) {
      return new WrongKind(name, VERDICT.equals(kind)
          ? "kind: a " + VERDICT + " is written by the operator, one per guarded Deployment; it is not applied with"
              + " the manifests"
          : "kind: '" + kind + "' is not a kind of " + RollbackPolicy.GROUP + " (" + POLICY + ", or the operator's "
              + VERDICT + "); the API server would refuse it");
    }
    return new Skipped(kind + "/" + (name.isEmpty() ? "?" : name) + " (not a RollbackPolicy)");
  }
}
