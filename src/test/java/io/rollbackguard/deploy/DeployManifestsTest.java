package io.rollbackguard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads every YAML file under {@code deploy/} and checks the install manifests: they parse, the RBAC
 * is least privilege (no wildcard, no write on any workload resource, only the expected writes: policy
 * status, the operator's own RolloutVerdicts and their status, Events, Leases), the
 * operator pod is hardened, and {@code kustomization.yaml} installs every file.
 *
 * <p>The checks are plain functions ({@link #wildcards}, {@link #workloadWrites},
 * {@link #unexpectedWrites}) so the tests at the bottom can prove that each one catches a bad rule.
 */
class DeployManifestsTest {
  /** Maven runs the tests with the project root as the working directory. */
  private static final Path DEPLOY = Path.of("deploy");

  private static final YAMLMapper YAML = new YAMLMapper();

  private static final Set<String> READ_VERBS = Set.of("get", "list", "watch");
  private static final Set<String> WRITE_VERBS = Set.of("create", "update", "patch", "delete", "deletecollection");
  /** Workload resources the operator must never modify, in whatever apiGroup they appear. */
  private static final Set<String> WORKLOAD_RESOURCES = Set.of(
      "deployments", "replicasets", "pods", "statefulsets", "daemonsets",
      "replicationcontrollers", "jobs", "cronjobs");

  /** The only writes the operator may be granted: "apiGroup|resource|verb". */
  private static final Set<String> ALLOWED_WRITES = Set.of(
      "rollbackguard.io|rollbackpolicies/status|update",
      "rollbackguard.io|rollbackpolicies/status|patch",
      // One RolloutVerdict per guarded Deployment: created, relabelled on takeover, deleted by the operator.
      "rollbackguard.io|rolloutverdicts|create",
      "rollbackguard.io|rolloutverdicts|update",
      "rollbackguard.io|rolloutverdicts|delete",
      "rollbackguard.io|rolloutverdicts/status|update",
      "rollbackguard.io|rolloutverdicts/status|patch",
      "|events|create",
      "|events|patch",
      "events.k8s.io|events|create",
      "events.k8s.io|events|patch",
      "coordination.k8s.io|leases|create",
      "coordination.k8s.io|leases|update",
      "coordination.k8s.io|leases|patch",
      // a review of its own permissions (leader election asks before it starts): it changes nothing
      "authorization.k8s.io|selfsubjectrulesreviews|create");

  /** One parsed YAML document and the file it came from. */
  record Doc(Path file, JsonNode node) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }

    @Override
    public String toString() {
      return file + " " + kind() + "/" + name();
    }
  }

  /** One RBAC rule, with the manifest it came from for messages. */
  record Rule(String origin, List<String> apiGroups, List<String> resources, List<String> verbs,
      List<String> resourceNames, List<String> nonResourceUrls) {
    static Rule of(String origin, JsonNode rule) {
      return new Rule(origin, strings(rule.path("apiGroups")), strings(rule.path("resources")),
          strings(rule.path("verbs")), strings(rule.path("resourceNames")),
          strings(rule.path("nonResourceURLs")));
    }
  }

  private static List<Path> files;
  private static List<Doc> docs;

  @BeforeAll
  static void readDeployDirectory() throws IOException {
    assertThat(DEPLOY).as("deploy/ relative to %s", Path.of("").toAbsolutePath()).isDirectory();
    try (Stream<Path> walk = Files.walk(DEPLOY)) {
      files = walk.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted()
          .toList();
    }
    docs = new ArrayList<>();
    for (Path file : files) {
      docs.addAll(read(file));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // (a) every YAML parses and is a Kubernetes object

  @Test
  void everyYamlFileParsesAndEveryDocumentHasApiVersionKindAndName() {
    assertThat(files).as("YAML files under deploy/").isNotEmpty();
    for (Path file : files) {
      List<Doc> inFile = read(file);
      assertThat(inFile).as("documents in %s", file).isNotEmpty();
      for (Doc doc : inFile) {
        assertThat(doc.node().isObject()).as("%s is a mapping", file).isTrue();
        assertThat(doc.node().path("apiVersion").asText()).as("apiVersion in %s", file).isNotBlank();
        assertThat(doc.kind()).as("kind in %s", file).isNotBlank();
        assertThat(doc.name()).as("metadata.name in %s", file).isNotBlank();
      }
    }
  }

  @Test
  void theExpectedObjectsAreAllThere() {
    assertThat(docs).extracting(Doc::kind).contains(
        "Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment", "Service",
        "Kustomization");
    assertThat(docs).filteredOn(d -> d.kind().equals("Namespace")).extracting(Doc::name)
        .containsExactly("rollback-guard");
  }

  // ---------------------------------------------------------------------------------------------
  // (b), (c), (d) RBAC least privilege

  @Test
  void rbacHasRules() {
    assertThat(rules()).as("RBAC rules under deploy/").isNotEmpty();
  }

  @Test
  void noRbacRuleContainsAWildcard() {
    assertThat(rules()).flatMap(DeployManifestsTest::wildcards).isEmpty();
  }

  @Test
  void noRbacRuleGrantsAWriteVerbOnAWorkloadResource() {
    assertThat(rules()).flatMap(DeployManifestsTest::workloadWrites).isEmpty();
  }

  @Test
  void theOnlyWritesAreStatusVerdictsEventsAndLeases() {
    assertThat(rules()).flatMap(DeployManifestsTest::unexpectedWrites).isEmpty();
  }

  @Test
  void noRoleAggregatesOtherRolesOrGrantsNonResourceUrls() {
    for (Doc doc : rbacRoles()) {
      assertThat(doc.node().has("aggregationRule")).as("aggregationRule in %s", doc).isFalse();
    }
    assertThat(rules()).flatMap(Rule::nonResourceUrls).isEmpty();
  }

  @Test
  void theOperatorCanReadWhatItWatchesAndOnlyGetSecrets() {
    Set<String> granted = grants(rules());
    assertThat(granted).contains(
        "apps|deployments|get", "apps|deployments|list", "apps|deployments|watch",
        "apps|replicasets|get", "apps|replicasets|list", "apps|replicasets|watch",
        "|pods|get", "|pods|list", "|pods|watch",
        "rollbackguard.io|rollbackpolicies|get", "rollbackguard.io|rollbackpolicies|list",
        "rollbackguard.io|rollbackpolicies|watch",
        "rollbackguard.io|rollbackpolicies/status|update",
        "rollbackguard.io|rolloutverdicts|get", "rollbackguard.io|rolloutverdicts|list",
        "rollbackguard.io|rolloutverdicts|watch", "rollbackguard.io|rolloutverdicts|create",
        "rollbackguard.io|rolloutverdicts|update", "rollbackguard.io|rolloutverdicts|delete",
        "rollbackguard.io|rolloutverdicts/status|get", "rollbackguard.io|rolloutverdicts/status|update",
        "|events|create", "|events|patch",
        "|secrets|get");
    // Credential Secrets are fetched by name: never list or watch every Secret in the cluster.
    assertThat(granted).filteredOn(g -> g.split("\\|", -1)[1].equals("secrets"))
        .containsExactly("|secrets|get");
  }

  @Test
  void theBindingGivesTheClusterRoleToTheOperatorsServiceAccount() {
    Doc binding = only("ClusterRoleBinding");
    JsonNode roleRef = binding.node().path("roleRef");
    assertThat(roleRef.path("kind").asText()).isEqualTo("ClusterRole");
    assertThat(roleRef.path("name").asText()).isEqualTo(only("ClusterRole").name());
    JsonNode subjects = binding.node().path("subjects");
    assertThat(subjects).hasSize(1);
    assertThat(subjects.get(0).path("kind").asText()).isEqualTo("ServiceAccount");
    assertThat(subjects.get(0).path("name").asText()).isEqualTo(only("ServiceAccount").name());
    assertThat(subjects.get(0).path("namespace").asText()).isEqualTo("rollback-guard");
    assertThat(operatorPod().path("serviceAccountName").asText()).isEqualTo(only("ServiceAccount").name());
  }

  // ---------------------------------------------------------------------------------------------
  // (e) the operator pod is hardened

  @Test
  void theOperatorRunsAsNonRootWithSeccompAtPodAndContainerLevel() {
    JsonNode podSecurity = operatorPod().path("securityContext");
    assertThat(podSecurity.path("runAsNonRoot").asBoolean()).as("pod runAsNonRoot").isTrue();
    assertThat(podSecurity.path("seccompProfile").path("type").asText()).as("pod seccomp").isEqualTo("RuntimeDefault");
    if (podSecurity.has("runAsUser")) {
      assertThat(podSecurity.path("runAsUser").asLong()).as("pod runAsUser").isPositive();
    }
    for (JsonNode container : containers()) {
      JsonNode security = container.path("securityContext");
      String name = container.path("name").asText();
      assertThat(security.path("runAsNonRoot").asBoolean()).as("%s runAsNonRoot", name).isTrue();
      assertThat(security.path("runAsUser").asLong()).as("%s runAsUser", name).isPositive();
      assertThat(security.path("seccompProfile").path("type").asText()).as("%s seccomp", name)
          .isEqualTo("RuntimeDefault");
      assertThat(security.path("privileged").asBoolean(false)).as("%s privileged", name).isFalse();
    }
  }

  @Test
  void theOperatorHasAReadOnlyRootFilesystemNoEscalationAndNoCapabilities() {
    for (JsonNode container : containers()) {
      JsonNode security = container.path("securityContext");
      String name = container.path("name").asText();
      assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as("%s readOnlyRootFilesystem", name).isTrue();
      assertThat(security.path("allowPrivilegeEscalation").isBoolean()).as("%s allowPrivilegeEscalation set", name).isTrue();
      assertThat(security.path("allowPrivilegeEscalation").asBoolean()).as("%s allowPrivilegeEscalation", name).isFalse();
      assertThat(strings(security.path("capabilities").path("drop"))).as("%s capabilities.drop", name).contains("ALL");
      assertThat(strings(security.path("capabilities").path("add"))).as("%s capabilities.add", name).isEmpty();
      // A read-only root needs a writable /tmp for the JVM.
      assertThat(container.path("volumeMounts")).as("%s volumeMounts", name)
          .anySatisfy(m -> assertThat(m.path("mountPath").asText()).isEqualTo("/tmp"));
    }
    JsonNode pod = operatorPod();
    assertThat(pod.path("hostNetwork").asBoolean(false)).isFalse();
    assertThat(pod.path("hostPID").asBoolean(false)).isFalse();
    assertThat(pod.path("volumes")).anySatisfy(v -> assertThat(v.has("emptyDir")).isTrue());
  }

  /**
   * The top-level Dockerfile is what the Deployment runs: the shaded jar on a Java 17 JRE, as the numeric non-root
   * user the pod requires (runAsNonRoot cannot check a user name), with {@code run} as the default command. No image
   * is built here: this reads the recipe.
   */
  @Test
  void theImageRecipeRunsTheJarAsTheNonRootUserTheDeploymentRequires() throws IOException {
    Path dockerfile = Path.of("Dockerfile");
    assertThat(dockerfile).isRegularFile();
    List<String> lines = Files.readAllLines(dockerfile).stream().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertThat(lines).filteredOn(l -> l.startsWith("FROM ")).singleElement().asString()
        .startsWith("FROM eclipse-temurin:17-jre");
    assertThat(lines).contains("COPY target/rollback-guard.jar /app/rollback-guard.jar",
        "ENTRYPOINT [\"java\", \"-XX:MaxRAMPercentage=75\", \"-XX:TieredStopAtLevel=1\", \"-jar\", "
            + "\"/app/rollback-guard.jar\"]",
        "CMD [\"run\"]");
    assertThat(Files.readString(Path.of("pom.xml"))).contains("<finalName>rollback-guard</finalName>");
    String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow().substring(5);
    assertThat(user).as("a numeric uid:gid").matches("[1-9][0-9]*:[0-9]+");
    long uid = Long.parseLong(user.split(":")[0]);
    JsonNode container = operatorContainer();
    assertThat(container.path("securityContext").path("runAsUser").asLong()).isEqualTo(uid);
    assertThat(container.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(operatorPod().path("securityContext").path("runAsUser").asLong()).isEqualTo(uid);
    assertThat(strings(container.path("args")).get(0)).as("the image's entrypoint takes a command").isEqualTo("run");
    assertThat(Files.readString(DEPLOY.resolve("deployment.yaml"))).as("deploy/ points at the recipe")
        .contains("Dockerfile");
  }

  @Test
  void theOperatorHasRequestsAndLimits() {
    for (JsonNode container : containers()) {
      JsonNode resources = container.path("resources");
      String name = container.path("name").asText();
      assertThat(resources.path("requests").path("cpu").asText()).as("%s requests.cpu", name).isNotBlank();
      assertThat(resources.path("requests").path("memory").asText()).as("%s requests.memory", name).isNotBlank();
      assertThat(resources.path("limits").path("memory").asText()).as("%s limits.memory", name).isNotBlank();
      assertThat(resources.path("limits").path("cpu").asText()).as("%s limits.cpu", name).isNotBlank();
    }
  }

  @Test
  void theOperatorHasLivenessAndReadinessProbesOnItsHttpPort() {
    JsonNode operator = operatorContainer();
    Set<String> ports = new TreeSet<>();
    operator.path("ports").forEach(p -> {
      ports.add(p.path("name").asText());
      ports.add(p.path("containerPort").asText());
    });
    assertThat(operator.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
    assertThat(operator.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(ports).contains("8080", "http",
        operator.path("livenessProbe").path("httpGet").path("port").asText(),
        operator.path("readinessProbe").path("httpGet").path("port").asText());
    assertThat(strings(operator.path("args"))).contains("run", "--port=8080");
    assertThat(operator.path("image").asText()).contains(":").doesNotEndWith(":latest");
  }

  /** The fleet benchmark measures the operator as deployed: the JVM options it adds are the Deployment's. */
  @Test
  void theDeploymentRunsTheJvmOptionsTheFleetBenchmarkMeasures() {
    String options = null;
    for (JsonNode e : operatorContainer().path("env")) {
      if (e.path("name").asText().equals("JAVA_TOOL_OPTIONS")) {
        options = e.path("value").asText();
      }
    }
    assertThat(options).isNotNull();
    assertThat(List.of(options.trim().split("\\s+")))
        .containsAll(io.rollbackguard.bench.OperatorProcess.DEPLOYED_JVM_OPTIONS)
        .contains("-XX:TieredStopAtLevel=1");
  }

  @Test
  void twoReplicasElectALeaderOnALeaseInTheirOwnNamespaceSpreadAndBudgetedForDisruptions() {
    JsonNode pod = operatorPod();
    assertThat(pod.path("affinity").path("podAntiAffinity").path("preferredDuringSchedulingIgnoredDuringExecution")
        .get(0).path("podAffinityTerm").path("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
    List<String> env = new ArrayList<>();
    operatorContainer().path("env").forEach(e -> env.add(e.path("name").asText() + "="
        + e.path("valueFrom").path("fieldRef").path("fieldPath").asText()));
    assertThat(env).contains("POD_NAME=metadata.name", "POD_NAMESPACE=metadata.namespace");
    Doc pdb = only("PodDisruptionBudget");
    assertThat(pdb.node().path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
    assertThat(pdb.node().path("spec").path("selector").path("matchLabels").path("app.kubernetes.io/name").asText())
        .isEqualTo("rollback-guard");
    // Leases only in its own namespace: a Role, not the ClusterRole
    Doc role = only("Role");
    assertThat(role.node().path("metadata").path("namespace").asText()).isEqualTo("rollback-guard");
    List<String> grants = new ArrayList<>();
    role.node().path("rules").forEach(r -> r.path("resources").forEach(res -> r.path("verbs").forEach(v ->
        grants.add(res.asText() + "|" + v.asText()))));
    assertThat(grants).containsExactlyInAnyOrder("leases|get", "leases|create", "leases|update");
    assertThat(only("ClusterRole").node().toString()).doesNotContain("leases");
    Doc binding = only("RoleBinding");
    assertThat(binding.node().path("roleRef").path("name").asText()).isEqualTo(role.name());
    assertThat(binding.node().path("subjects").get(0).path("name").asText()).isEqualTo("rollback-guard");
  }

  @Test
  void theMetricsServiceSelectsTheOperatorPodAndIsScraped() {
    Doc service = only("Service");
    JsonNode podLabels = only("Deployment").node().path("spec").path("template").path("metadata").path("labels");
    service.node().path("spec").path("selector").fields().forEachRemaining(e ->
        assertThat(podLabels.path(e.getKey()).asText()).as("pod label %s", e.getKey()).isEqualTo(e.getValue().asText()));
    assertThat(service.node().path("spec").path("selector").size()).isPositive();
    assertThat(service.node().path("spec").path("ports")).anySatisfy(p -> {
      assertThat(p.path("name").asText()).isEqualTo("http-metrics");
      assertThat(p.path("port").asInt()).isEqualTo(8080);
    });
    assertThat(service.node().path("metadata").path("annotations").path("prometheus.io/scrape").asText()).isEqualTo("true");
  }

  // ---------------------------------------------------------------------------------------------
  // (f) kustomization.yaml installs everything

  @Test
  void kustomizationListsEveryOtherYamlFileAndNothingMissing() throws IOException {
    Path kustomization = DEPLOY.resolve("kustomization.yaml");
    assertThat(kustomization).isRegularFile();
    JsonNode k = read(kustomization).get(0).node();
    assertThat(k.path("namespace").asText()).isEqualTo("rollback-guard");

    List<String> listed = strings(k.path("resources"));
    assertThat(listed).as("resources in kustomization.yaml").doesNotHaveDuplicates();
    for (String resource : listed) {
      assertThat(DEPLOY.resolve(resource)).as("listed resource %s", resource).isRegularFile();
    }
    Set<String> others = files.stream()
        .filter(f -> !f.getFileName().toString().matches("kustomization\\.ya?ml"))
        .map(f -> DEPLOY.relativize(f).toString().replace('\\', '/'))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(new TreeSet<>(listed)).as("kustomization.yaml resources vs YAML files in deploy/")
        .isEqualTo(others);
    // The CRD is applied separately (`kubectl apply -f crds/`): never through deploy/.
    assertThat(docs).extracting(Doc::kind).doesNotContain("CustomResourceDefinition");
  }

  // ---------------------------------------------------------------------------------------------
  // The checkers catch bad rules (guards against a checker that silently never fires)

  @Test
  void theWildcardCheckCatchesWildcards() {
    assertThat(wildcards(rule("apps", "deployments", "*"))).hasSize(1);
    assertThat(wildcards(rule("*", "pods", "get"))).hasSize(1);
    assertThat(wildcards(rule("", "*", "get"))).hasSize(1);
    assertThat(wildcards(rule("apps", "deployments/*", "get"))).hasSize(1);
    assertThat(wildcards(rule("apps", "deployments", "get"))).isEmpty();
  }

  @Test
  void theWorkloadCheckCatchesWritesOnWorkloadsAndTheirSubresourcesInAnyGroup() {
    assertThat(workloadWrites(rule("apps", "deployments", "get", "patch"))).hasSize(1);
    assertThat(workloadWrites(rule("apps", "deployments/scale", "update"))).hasSize(1);
    assertThat(workloadWrites(rule("", "pods", "delete"))).hasSize(1);
    assertThat(workloadWrites(rule("", "pods/eviction", "create"))).hasSize(1);
    assertThat(workloadWrites(rule("extensions", "daemonsets", "deletecollection"))).hasSize(1);
    assertThat(workloadWrites(rule("apps", "statefulsets", "create"))).hasSize(1);
    assertThat(workloadWrites(rule("apps", "deployments", "get", "list", "watch"))).isEmpty();
    // Writing verdicts is not writing workloads, and a verdict grant cannot hide a workload write.
    assertThat(workloadWrites(rule("rollbackguard.io", "rolloutverdicts", "create", "update", "delete"))).isEmpty();
    assertThat(workloadWrites(new Rule("test rule", List.of("apps"),
        List.of("rolloutverdicts", "deployments"), List.of("update"), List.of(), List.of()))).hasSize(1);
  }

  @Test
  void theAllowListCatchesAnyOtherWrite() {
    assertThat(unexpectedWrites(rule("", "secrets", "get", "create"))).singleElement().asString().endsWith("|secrets|create");
    assertThat(unexpectedWrites(rule("rollbackguard.io", "rollbackpolicies", "update"))).hasSize(1);
    assertThat(unexpectedWrites(rule("", "configmaps", "patch"))).hasSize(1);
    assertThat(unexpectedWrites(rule("rbac.authorization.k8s.io", "clusterroles", "escalate"))).hasSize(1);
    assertThat(unexpectedWrites(rule("", "events", "delete"))).hasSize(1);
    assertThat(unexpectedWrites(rule("rollbackguard.io", "rollbackpolicies/status", "get", "update", "patch"))).isEmpty();
    // The operator owns its RolloutVerdicts, but never bulk-deletes or patches them, and never writes policy specs.
    assertThat(unexpectedWrites(rule("rollbackguard.io", "rolloutverdicts", "deletecollection"))).hasSize(1);
    assertThat(unexpectedWrites(rule("rollbackguard.io", "rolloutverdicts", "patch"))).hasSize(1);
    assertThat(unexpectedWrites(rule("rollbackguard.io", "rollbackpolicies", "delete"))).hasSize(1);
    assertThat(unexpectedWrites(rule("rollbackguard.io", "rolloutverdicts", "get", "list", "watch", "create", "update", "delete"))).isEmpty();
    assertThat(unexpectedWrites(rule("rollbackguard.io", "rolloutverdicts/status", "get", "update", "patch"))).isEmpty();
    assertThat(unexpectedWrites(rule("coordination.k8s.io", "leases", "create", "update"))).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Checkers

  /** Every "*" in a rule's apiGroups, resources, verbs, resourceNames or nonResourceURLs. */
  static List<String> wildcards(Rule rule) {
    return Stream.of(rule.apiGroups(), rule.resources(), rule.verbs(), rule.resourceNames(), rule.nonResourceUrls())
        .flatMap(List::stream)
        .filter(s -> s.contains("*"))
        .map(s -> rule.origin() + ": wildcard '" + s + "'")
        .toList();
  }

  /** Every create/update/patch/delete/deletecollection a rule grants on a workload or its subresources. */
  static List<String> workloadWrites(Rule rule) {
    return grants(List.of(rule)).stream()
        .filter(g -> {
          String[] parts = g.split("\\|", -1);
          String resource = parts[1].split("/", 2)[0];
          return WORKLOAD_RESOURCES.contains(resource) && WRITE_VERBS.contains(parts[2]);
        })
        .map(g -> rule.origin() + ": write on a workload " + g)
        .toList();
  }

  /** Every grant of a verb other than get/list/watch that is not on the allow list. */
  static List<String> unexpectedWrites(Rule rule) {
    return grants(List.of(rule)).stream()
        .filter(g -> !READ_VERBS.contains(g.split("\\|", -1)[2]))
        .filter(g -> !ALLOWED_WRITES.contains(g))
        .map(g -> rule.origin() + ": write not on the allow list " + g)
        .toList();
  }

  /** The rules' grants expanded to "apiGroup|resource|verb". */
  static Set<String> grants(List<Rule> rules) {
    Set<String> grants = new TreeSet<>();
    for (Rule rule : rules) {
      for (String group : rule.apiGroups()) {
        for (String resource : rule.resources()) {
          for (String verb : rule.verbs()) {
            grants.add(group + "|" + resource + "|" + verb);
          }
        }
      }
    }
    return grants;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private static Rule rule(String apiGroup, String resource, String... verbs) {
    return new Rule("test rule", List.of(apiGroup), List.of(resource), List.of(verbs), List.of(), List.of());
  }

  private static List<Doc> rbacRoles() {
    return docs.stream().filter(d -> d.kind().equals("ClusterRole") || d.kind().equals("Role")).toList();
  }

  private static List<Rule> rules() {
    List<Rule> rules = new ArrayList<>();
    for (Doc doc : rbacRoles()) {
      for (JsonNode rule : doc.node().path("rules")) {
        rules.add(Rule.of(doc.toString(), rule));
      }
    }
    return rules;
  }

  private static Doc only(String kind) {
    List<Doc> ofKind = docs.stream().filter(d -> d.kind().equals(kind)).toList();
    assertThat(ofKind).as("%s objects under deploy/", kind).hasSize(1);
    return ofKind.get(0);
  }

  private static JsonNode operatorPod() {
    Doc deployment = only("Deployment");
    assertThat(deployment.node().path("spec").path("replicas").asInt()).isEqualTo(2);
    return deployment.node().path("spec").path("template").path("spec");
  }

  private static List<JsonNode> containers() {
    JsonNode pod = operatorPod();
    List<JsonNode> containers = new ArrayList<>();
    pod.path("containers").forEach(containers::add);
    pod.path("initContainers").forEach(containers::add);
    assertThat(containers).as("containers of the operator Deployment").isNotEmpty();
    return containers;
  }

  private static JsonNode operatorContainer() {
    JsonNode containers = operatorPod().path("containers");
    assertThat(containers).as("the operator Deployment has one container").hasSize(1);
    return containers.get(0);
  }

  private static List<String> strings(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static List<Doc> read(Path file) {
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      List<Doc> result = new ArrayList<>();
      while (it.hasNextValue()) {
        JsonNode node = it.nextValue();
        if (node != null && !node.isNull() && !node.isMissingNode()) { // an empty document between "---"
          result.add(new Doc(file, node));
        }
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("deploy manifest does not parse: " + file, e);
    }
  }
}
