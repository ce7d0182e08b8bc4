package io.rollbackguard.procedure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShellWordTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "checkout                                   | checkout",
      "deployment/checkout                        | deployment/checkout",
      "app=registry.example/checkout:v2.0.0       | app=registry.example/checkout:v2.0.0",
      "app=registry/app@sha256:0123abcd           | app=registry/app@sha256:0123abcd",
      "--to-revision=6                            | --to-revision=6",
      "a_b.c%d+e,f                                | a_b.c%d+e,f"})
  void kubernetesNamesImagesAndFlagsStayBare(String value, String word) {
    assertThat(ShellWord.quote(value)).isEqualTo(word);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "new checkout; rm -rf /    | 'new checkout; rm -rf /'",
      "$(x)                      | '$(x)'",
      "`id`                      | '`id`'",
      "pay\"ments                | 'pay\"ments'",
      "~/release                 | '~/release'",
      "a*                        | 'a*'"})
  void anythingElseIsSingleQuoted(String value, String word) {
    assertThat(ShellWord.quote(value)).isEqualTo(word);
  }

  @org.junit.jupiter.api.Test
  void aSingleQuoteInsideEndsTheQuotesWritesAnEscapedQuoteAndReopens() {
    assertThat(ShellWord.quote("it's")).isEqualTo("'it'\\''s'");
    assertThat(ShellWord.quote("")).isEqualTo("''");
    assertThat(ShellWord.quote("line\nbreak")).isEqualTo("'line\nbreak'");
  }
}
