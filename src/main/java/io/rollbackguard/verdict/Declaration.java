package io.rollbackguard.verdict;

import io.rollbackguard.api.status.Tier;
import java.util.Optional;

/** What an incident commander can declare with {@code rollbackguard.io/declare}, and the tier each one raises. */
public enum Declaration {
  DATA_CORRUPTION("data-corruption", Tier.immediate),
  SECURITY_FLAW("security-flaw", Tier.immediate),
  CRITICAL_FEATURE_BROKEN("critical-feature-broken", Tier.rapid),
  MINOR_BUG("minor-bug", Tier.evaluate),
  ISOLATED_PROBLEM("isolated-problem", Tier.evaluate);

  private final String value;
  private final Tier tier;

  Declaration(String value, Tier tier) {
    this.value = value;
    this.tier = tier;
  }

  public String value() {
    return value;
  }

  public Tier tier() {
    return tier;
  }

  public static Optional<Declaration> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String trimmed = value.trim();
    for (Declaration d : values()) {
      if (d.value.equals(trimmed)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  public static String knownValues() {
    StringBuilder sb = new StringBuilder();
    for (Declaration d : values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(d.value);
    }
    return sb.toString();
  }
}
