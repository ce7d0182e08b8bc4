package io.rollbackguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorsTest {
  @Test
  void matchLabelsAndExpressionsFollowKubernetesSemantics() {
    LabelSelector s = new LabelSelectorBuilder().addToMatchLabels("app", "checkout")
        .addNewMatchExpression().withKey("tier").withOperator("In").withValues("web", "api").endMatchExpression()
        .addNewMatchExpression().withKey("canary").withOperator("DoesNotExist").endMatchExpression().build();
    assertThat(Selectors.matches(s, Map.of("app", "checkout", "tier", "web"))).isTrue();
    assertThat(Selectors.matches(s, Map.of("app", "checkout", "tier", "db"))).isFalse();
    assertThat(Selectors.matches(s, Map.of("app", "checkout", "tier", "api", "canary", "true"))).isFalse();
    assertThat(Selectors.matches(s, Map.of("app", "cart", "tier", "web"))).isFalse();
  }

  @Test
  void anEmptySelectorMatchesNothing() {
    assertThat(Selectors.matches(new LabelSelector(), Map.of("app", "x"))).isFalse();
    assertThat(Selectors.matches(null, Map.of("app", "x"))).isFalse();
  }

  @Test
  void aMalformedExpressionMatchesNothingAndNeverThrows() {
    LabelSelector noOperator = new LabelSelectorBuilder().addNewMatchExpression().withKey("tier").withValues("web")
        .endMatchExpression().build();
    LabelSelector noKey = new LabelSelectorBuilder().addNewMatchExpression().withOperator("Exists")
        .endMatchExpression().build();
    assertThat(Selectors.matches(noOperator, Map.of("tier", "web"))).isFalse();
    assertThat(Selectors.matches(noKey, null)).isFalse();
  }
}
