package io.rollbackguard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import io.rollbackguard.policy.PolicyYaml;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrdSchemaTest {
  static final YAMLMapper YAML = new YAMLMapper();
  static final Path CRD = Path.of("crds/rollbackpolicies.rollbackguard.io-v1.yml");
  static final Path EXAMPLE = Path.of("examples/checkout-full.yaml");

  @TempDir
  Path dir;

  /** A CRD whose v1alpha1 openAPIV3Schema is {@code schemaYaml}, loaded the way the real one is. */
  CrdSchema schema(String schemaYaml) throws Exception {
    Path crd = dir.resolve("things.example.io.yml");
    Files.writeString(crd, """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: things.example.io}
        spec:
          group: example.io
          names: {kind: Thing, plural: things}
          scope: Namespaced
          versions:
          - name: v1alpha1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
        """ + schemaYaml.indent(8));
    return CrdSchema.load(crd);
  }

  static JsonNode yaml(String text) throws Exception {
    return YAML.readTree(text);
  }

  /** An object schema with the given properties under spec (YAML flow style). */
  CrdSchema spec(String properties) throws Exception {
    return schema("type: object\nproperties:\n  spec:\n    type: object\n    properties: " + properties + "\n");
  }

  @Test
  void scalarsOfTheRightTypeFit() throws Exception {
    CrdSchema s = spec("{name: {type: string}, replicas: {type: integer}, ratio: {type: number}, on: {type: boolean}}");
    // a number accepts an integer; an integer accepts an integral number written 2.0 (kube-openapi does)
    assertThat(s.violations(yaml("spec: {name: a, replicas: 2.0, ratio: 1, on: true}"))).isEmpty();
    assertThat(s.violations(yaml("spec: {name: a, replicas: 3, ratio: 0.5, on: false}"))).isEmpty();
  }

  @Test
  void wrongTypesAreReported() throws Exception {
    CrdSchema s = spec("{name: {type: string}, replicas: {type: integer}, ratio: {type: number}, on: {type: boolean}}");
    assertThat(s.violations(yaml("spec: {name: 1, replicas: '3', ratio: x, on: yes please}"))).containsExactly(
        "spec.name: expected string, got integer",
        "spec.replicas: expected integer, got string",
        "spec.ratio: expected number, got string",
        "spec.on: expected boolean, got string");
    assertThat(s.violations(yaml("spec: {replicas: 2.5}")))
        .containsExactly("spec.replicas: expected integer, got number");
    assertThat(s.violations(yaml("spec: [1]"))).containsExactly("spec: expected object, got array");
  }

  @Test
  void unknownFieldsArePruned() throws Exception {
    CrdSchema s = spec("{name: {type: string}}");
    assertThat(s.violations(yaml("spec: {name: a}"))).isEmpty();
    assertThat(s.violations(yaml("spec: {name: a, foo: 1}")))
        .containsExactly("spec.foo: not in the schema (a real API server prunes it)");
    assertThat(s.violations(yaml("spec: {}\nstatus: {}")))
        .containsExactly("status: not in the schema (a real API server prunes it)");
  }

  @Test
  void apiVersionKindAndMetadataBelongToTheApiServer() throws Exception {
    CrdSchema s = spec("{}");
    assertThat(s.violations(yaml("apiVersion: example.io/v1alpha1\nkind: Thing\n"
        + "metadata: {name: t, labels: {a: b}, anything: [1]}\nspec: {}"))).isEmpty();
    assertThat(s.violations(yaml("metadata: oops"))).containsExactly("metadata: expected object, got string");
  }

  @Test
  void embeddedResourcesMayCarryTheirOwnApiVersionKindAndMetadata() throws Exception {
    CrdSchema s = spec("{template: {type: object, x-kubernetes-embedded-resource: true,"
        + " properties: {spec: {type: object, x-kubernetes-preserve-unknown-fields: true}}}}");
    assertThat(s.violations(yaml("spec: {template: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {x: 1}}}")))
        .isEmpty();
    assertThat(s.violations(yaml("spec: {template: {status: {}}}")))
        .containsExactly("spec.template.status: not in the schema (a real API server prunes it)");
  }

  @Test
  void enumsAreChecked() throws Exception {
    CrdSchema s = spec("{phase: {type: string, enum: [Pending, Observing, Stable]}}");
    assertThat(s.violations(yaml("spec: {phase: Observing}"))).isEmpty();
    assertThat(s.violations(yaml("spec: {phase: Exploded}")))
        .containsExactly("spec.phase: 'Exploded' is not one of [Pending, Observing, Stable]");
  }

  @Test
  void preserveUnknownFieldsKeepsUnknownKeysButStillChecksKnownOnes() throws Exception {
    CrdSchema s = spec("{extra: {type: object, x-kubernetes-preserve-unknown-fields: true,"
        + " properties: {count: {type: integer}}}, any: {x-kubernetes-preserve-unknown-fields: true}}");
    assertThat(s.violations(yaml("spec: {extra: {count: 1, whatever: {deep: [1, x]}}, any: 2s}"))).isEmpty();
    assertThat(s.violations(yaml("spec: {any: 0.5}"))).isEmpty();
    assertThat(s.violations(yaml("spec: {extra: {count: many, whatever: 1}}")))
        .containsExactly("spec.extra.count: expected integer, got string");
  }

  @Test
  void additionalPropertiesMakesAMapWhoseValuesAreChecked() throws Exception {
    CrdSchema s = spec("{labels: {type: object, additionalProperties: {type: string}},"
        + " free: {type: object, additionalProperties: true}}");
    assertThat(s.violations(yaml("spec: {labels: {app: checkout, app.kubernetes.io/name: c}, free: {a: [1], b: {}}}")))
        .isEmpty();
    assertThat(s.violations(yaml("spec: {labels: {team: 7, app.kubernetes.io/version: [1]}}"))).containsExactly(
        "spec.labels.team: expected string, got integer",
        "spec.labels['app.kubernetes.io/version']: expected string, got array");
  }

  @Test
  void intOrStringAcceptsBothAndNothingElse() throws Exception {
    CrdSchema s = spec("{port: {x-kubernetes-int-or-string: true}, ports: {type: array,"
        + " items: {x-kubernetes-int-or-string: true}}}");
    assertThat(s.violations(yaml("spec: {port: 8080, ports: [http, 80]}"))).isEmpty();
    assertThat(s.violations(yaml("spec: {port: true, ports: [1.5, {}]}"))).containsExactly(
        "spec.port: expected integer or string, got boolean",
        "spec.ports[0]: expected integer or string, got number",
        "spec.ports[1]: expected integer or string, got object");
  }

  @Test
  void nestedArraysOfObjectsAreCheckedWithTheirIndexes() throws Exception {
    CrdSchema s = schema("""
        type: object
        properties:
          status:
            type: object
            properties:
              recommendations:
                type: array
                items:
                  type: object
                  properties:
                    procedure:
                      type: object
                      properties:
                        steps:
                          type: array
                          items:
                            type: object
                            properties:
                              title: {type: string}
                              command: {type: string}
        """);
    assertThat(s.violations(yaml("status: {recommendations: [{procedure: {steps: [{title: a}, {title: b}]}}]}")))
        .isEmpty();
    assertThat(s.violations(yaml(
        "status: {recommendations: [{procedure: {steps: [{title: a}, {title: b, foo: x}]}},"
            + " {procedure: {steps: x}}]}")))
        .containsExactly(
            "status.recommendations[0].procedure.steps[1].foo: not in the schema (a real API server prunes it)",
            "status.recommendations[1].procedure.steps: expected array, got string");
  }

  @Test
  void requiredPropertiesMustBePresent() throws Exception {
    CrdSchema s = spec("{ref: {type: object, required: [name, key], properties: {name: {type: string},"
        + " key: {type: string}}}}");
    assertThat(s.violations(yaml("spec: {ref: {name: n, key: k}}"))).isEmpty();
    assertThat(s.violations(yaml("spec: {}"))).isEmpty();
    // a null that is not nullable is pruned before validation, so it does not count as present
    assertThat(s.violations(yaml("spec: {ref: {name: n, key: null}}")))
        .containsExactly("spec.ref.key: required but missing");
    assertThat(s.violations(yaml("spec: {ref: {}}")))
        .containsExactly("spec.ref.name: required but missing", "spec.ref.key: required but missing");
  }

  @Test
  void nullsArePrunedFromObjectsButRejectedInArraysUnlessNullable() throws Exception {
    CrdSchema s = spec("{name: {type: string}, labels: {type: object, additionalProperties: {type: string}},"
        + " tags: {type: array, items: {type: string}}, maybe: {type: array, items: {type: string, nullable: true}},"
        + " any: {type: array, items: {x-kubernetes-preserve-unknown-fields: true}}}");
    // The API server drops these nulls (apiextensions prunenulls.go): harmless
    assertThat(s.violations(yaml("spec: {name: null, labels: {a: null}}"))).isEmpty();
    assertThat(s.violations(yaml("spec: {maybe: [a, null], any: [null, 1]}"))).isEmpty();
    assertThat(s.violations(yaml("spec: {tags: [a, null]}")))
        .containsExactly("spec.tags[1]: expected string, got null");
  }

  @Test
  void lengthsCountsAndPatternsAreChecked() throws Exception {
    CrdSchema s = spec("{name: {type: string, maxLength: 5, pattern: '^[a-z]+$'}, list: {type: array, maxItems: 2,"
        + " items: {type: integer}}, rate: {type: number, minimum: 0.0}}");
    assertThat(s.violations(yaml("spec: {name: abcde, list: [1, 2], rate: 0}"))).isEmpty();
    assertThat(s.violations(yaml("spec: {name: abcdef, list: [1, 2, 3], rate: -1}"))).containsExactly(
        "spec.name: length 6 is above maxLength 5",
        "spec.list: 3 items is above maxItems 2",
        "spec.rate: -1 is below minimum 0.0");
    assertThat(s.violations(yaml("spec: {name: Ab1}")))
        .containsExactly("spec.name: 'Ab1' does not match pattern ^[a-z]+$");
  }

  @Test
  void theFullExampleFitsTheGeneratedCrdAndAnUnknownStatusFieldDoesNot() throws Exception {
    CrdSchema crd = CrdSchema.load(CRD);
    JsonNode example = yaml(Files.readString(EXAMPLE));
    assertThat(crd.violations(example)).isEmpty();

    ((ObjectNode) example).set("status", yaml("{bogus: 1}"));
    assertThat(crd.violations(example))
        .containsExactly("status.bogus: not in the schema (a real API server prunes it)");
    assertThatThrownBy(() -> crd.assertFits(example))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("status.bogus: not in the schema");
  }

  @Test
  void aRollbackPolicyWithAStatusFitsAsFabric8SerializesIt() throws Exception {
    RollbackPolicy policy = PolicyYaml.read(EXAMPLE);
    RollbackPolicyStatus status = new RollbackPolicyStatus();
    status.observedGeneration = 1L;
    status.targets = 1;
    status.action = Action.Evaluate.name();
    status.reason = null; // dropped by @JsonInclude, never sent
    Condition ready = new ConditionBuilder().withType("Ready").withStatus("True").withReason("Evaluated")
        .withLastTransitionTime("2026-01-01T00:00:00Z").build();
    status.conditions.add(ready);
    status.phases.put(Phase.Observing.name(), 1);
    status.conflicts.add(new RollbackPolicyStatus.Conflict("cart", "shop-wide"));
    policy.setStatus(status);

    CrdSchema.load(CRD).assertFits(policy);
    // the status really is in what Fabric8 sends: a schema without status would lose it
    assertThat(schema("type: object\nproperties: {spec: {type: object, x-kubernetes-preserve-unknown-fields: true}}")
        .violations(policy)).containsExactly("status: not in the schema (a real API server prunes it)");
  }
}
