package io.rollbackguard.alerts;

import java.math.BigDecimal;

/** Values written into PromQL text. */
final class PromqlText {
  private PromqlText() {}

  /** The content of a "..." string literal. */
  static String string(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** A threshold as a PromQL number literal, never in exponent form: 0.05, 2, 100. */
  static String number(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
