package io.rollbackguard.procedure;

import static io.rollbackguard.procedure.TestingIncidents.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.api.status.Action;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncidentFactsTest {
  @Test
  void theVersionIsTheTagOrAShortDigest() {
    assertThat(IncidentFacts.tag("registry.example/checkout:v2.1.0")).isEqualTo("v2.1.0");
    assertThat(IncidentFacts.tag("registry.example:5000/checkout")).isEqualTo("latest");
    assertThat(IncidentFacts.tag("registry.example/checkout@sha256:0123456789abcdef0123456789"))
        .isEqualTo("sha256:0123456789ab");
  }

  @Test
  void theVersionIsTakenFromTheImageThatChangedNotTheSidecar() {
    TestingIncidents t = new TestingIncidents();
    t.images = List.of("registry.example/envoy:1.29.1", "registry.example/checkout:v2.1.0");
    t.stableImages = List.of("registry.example/envoy:1.29.1", "registry.example/checkout:v2.0.0");
    IncidentFacts facts = IncidentFacts.of(t.build());
    assertThat(facts.badVersion()).isEqualTo("v2.1.0");
    assertThat(facts.goodVersion()).isEqualTo("v2.0.0");
  }

  @Test
  void afterARollbackTheBadRevisionIsReadBackFromTheTimeline() {
    TestingIncidents t = new TestingIncidents();
    t.revision = 8L;
    t.images = List.of("registry.example/checkout:v2.0.0");
    t.action = Action.None;
    t.findings.clear();
    t.event(at(9, 0), "RolledBack", "revision 8 restores the template of stable revision 6; a fresh window verifies"
        + " it");
    IncidentFacts facts = IncidentFacts.of(t.build());
    assertThat(facts.rolledBack()).isTrue();
    assertThat(facts.badRevision()).isEqualTo(7L);
    assertThat(facts.badImages()).containsExactly("registry.example/checkout:v2.1.0");
    assertThat(facts.goodRevision()).isEqualTo(6L);
    assertThat(facts.worstAction()).isEqualTo(Action.RollbackRapid);
    assertThat(facts.firstBreach()).isNull();
    assertThat(facts.evidence()).containsExactly("3 pods of the new revision crash-looping");
  }

  @Test
  void aNewRolloutAfterARollbackIsANewIncident() {
    TestingIncidents t = new TestingIncidents();
    t.revision = 9L;
    t.event(at(9, 0), "RolledBack", "revision 8 restores the template of stable revision 6; a fresh window")
        .event(at(60, 0), "RolloutObserved", "revision 9 (registry.example/checkout:v2.1.1)");
    IncidentFacts facts = IncidentFacts.of(t.build());
    assertThat(facts.rolledBack()).isFalse();
    assertThat(facts.events()).hasSize(1);
    assertThat(facts.startedAt()).isEqualTo(at(60, 0));
  }

  @Test
  void aMessageInAnotherWordingLeavesTheFactUnknownRatherThanWrong() {
    TestingIncidents t = new TestingIncidents();
    t.revision = 8L;
    t.action = Action.None;
    t.timeline.set(0, new Incident.Event(TestingIncidents.T0, "RolloutObserved", "rev seven"));
    t.event(at(9, 0), "RolledBack", "back to the good one");
    IncidentFacts facts = IncidentFacts.of(t.build());
    assertThat(facts.badRevision()).isNull();
    assertThat(facts.badImages()).isEmpty();
    assertThat(facts.goodRevision()).isNull();
    assertThat(PostmortemWriter.write(t.build(), at(20, 0))).contains("- **Change:** revision unknown (unknown)");
  }
}
