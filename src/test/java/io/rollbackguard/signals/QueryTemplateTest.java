package io.rollbackguard.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollbackguard.verdict.Signals;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryTemplateTest {
  static final Map<String, String> VALUES = Map.of("namespace", "shop", "window", "1m", "deployment", "checkout",
      "revision", "7", "podTemplateHash", "5d8f9c7b");

  @Test
  void placeholdersAreResolved() throws Exception {
    QueryTemplate t = QueryTemplate.parse(
        "sum(rate(x{namespace=\"{{namespace}}\",deployment=\"{{deployment}}\",rev=\"{{revision}}\"}[{{window}}]))");
    assertThat(t.render(VALUES, List.of())).isEqualTo(
        "sum(rate(x{namespace=\"shop\",deployment=\"checkout\",rev=\"7\"}[1m]))");
    assertThat(t.perDeployment()).isTrue();
    assertThat(t.grouped()).isFalse();
  }

  @Test
  void quotesAndBackslashesAreEscapedForTheirStringKind() throws Exception {
    Map<String, String> v = Map.of("namespace", "a\"b\\c", "deployment", "it's");
    assertThat(QueryTemplate.parse("x{ns=\"{{namespace}}\"}").render(v, List.of())).isEqualTo("x{ns=\"a\\\"b\\\\c\"}");
    assertThat(QueryTemplate.parse("x{d='{{deployment}}'}").render(v, List.of())).isEqualTo("x{d='it\\'s'}");
    assertThat(QueryTemplate.parse("x{d=\"{{deployment}}\"}").render(v, List.of())).isEqualTo("x{d=\"it's\"}");
    assertThat(QueryTemplate.parse("x{ns=\"{{namespace}}\"}").render(Map.of("namespace", "a\nb"), List.of()))
        .isEqualTo("x{ns=\"a\\nb\"}");
  }

  @Test
  void inARegexMatcherNamesAreRegexEscapedThenStringEscaped() throws Exception {
    QueryTemplate t = QueryTemplate.parse("x{deployment=~\"{{deployments}}\"}");
    assertThat(t.grouped()).isTrue();
    assertThat(t.render(VALUES, List.of("checkout", "a.b", "c+d(1)")))
        .isEqualTo("x{deployment=~\"checkout|a\\\\.b|c\\\\+d\\\\(1\\\\)\"}");
    assertThat(QueryTemplate.parse("x{deployment=~\"{{deployment}}\"}").render(Map.of("deployment", "a.b"), List.of()))
        .isEqualTo("x{deployment=~\"a\\\\.b\"}");
    assertThat(QueryTemplate.parse("x{deployment!~`{{deployments}}`}").render(VALUES, List.of("a.b")))
        .isEqualTo("x{deployment!~`a\\.b`}");
  }

  @Test
  void aRawStringCannotHoldABacktick() throws Exception {
    QueryTemplate t = QueryTemplate.parse("x{d=`{{deployment}}`}");
    assertThatThrownBy(() -> t.render(Map.of("deployment", "a`b"), List.of()))
        .hasMessageContaining("cannot stand in a `raw` string");
  }

  @Test
  void aBareValueMustBeSafeOutsideQuotes() throws Exception {
    QueryTemplate t = QueryTemplate.parse("x[{{window}}] offset {{window}}");
    assertThat(t.render(VALUES, List.of())).isEqualTo("x[1m] offset 1m");
    assertThatThrownBy(() -> t.render(Map.of("window", "1m] or vector(1"), List.of()))
        .hasMessageContaining("cannot stand outside quotes");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "x{deployment={{deployment}}}|must stand inside a quoted label value",
      "x{ns={{namespace}}}|must stand inside a quoted label value",
      "x{deployment=\"{{deployments}}\"}|use it in a regex matcher",
      "x{a=\"{{nope}}\"}|unknown placeholder {{nope}}",
      "x{a=\"{{deployment}\"}|the {{ at column 6 is not closed with }}",
      "x{a=\"unterminated}|the string that starts at column 5 is not closed",
      " |the query is empty"})
  void unsafeOrMalformedTemplatesAreRefused(String row) {
    String[] parts = row.split("\\|");
    assertThatThrownBy(() -> QueryTemplate.parse(parts[0])).hasMessageContaining(parts[1]);
  }

  @Test
  void escapedQuotesInALiteralDoNotEndTheString() throws Exception {
    QueryTemplate t = QueryTemplate.parse("x{a=\"q\\\"{{deployment}}\"}");
    assertThat(t.render(Map.of("deployment", "d\""), List.of())).isEqualTo("x{a=\"q\\\"d\\\"\"}");
  }

  @Test
  void theDefaultQueriesParseAndAreGrouped() throws Exception {
    for (String signal : List.of(Signals.ERROR_RATE, Signals.LATENCY_P95, Signals.REQUEST_RATE)) {
      QueryTemplate t = QueryTemplate.parse(DefaultQueries.of(signal, "deployment"));
      assertThat(t.grouped()).as(signal).isTrue();
      assertThat(t.perDeployment()).as(signal).isFalse();
    }
    assertThat(QueryTemplate.parse(DefaultQueries.of(Signals.ERROR_RATE, "app")).render(VALUES, List.of("a", "b")))
        .isEqualTo("(sum by (app) (rate(http_requests_total{namespace=\"shop\",app=~\"a|b\",status=~\"5..\"}[1m]))"
            + " or sum by (app) (rate(http_requests_total{namespace=\"shop\",app=~\"a|b\"}[1m])) * 0)"
            + " / sum by (app) (rate(http_requests_total{namespace=\"shop\",app=~\"a|b\"}[1m]))");
  }

  @Test
  void aTracedRenderingSaysWhereEachValueLandedAndMapsBackToTheTemplate() throws Exception {
    QueryTemplate t = QueryTemplate.parse("x{d=\"{{deployment}}\"}[{{window}}] + y");
    QueryTemplate.Rendered r = t.renderTraced(VALUES, List.of());
    assertThat(r.query()).isEqualTo("x{d=\"checkout\"}[1m] + y");
    assertThat(r.filled()).extracting(QueryTemplate.Rendered.Filled::placeholder).containsExactly("deployment",
        "window");
    assertThat(r.templateOffset(2)).isEqualTo(2); // before any value
    assertThat(r.templateOffset(7)).isEqualTo(5); // inside "checkout": where {{deployment}} starts
    assertThat(r.templateOffset(17)).isEqualTo(22); // inside "1m": where {{window}} starts
    assertThat(r.templateOffset(18)).isEqualTo(32); // the "]" after it
    assertThat(r.templateOffset(22)).isEqualTo(36); // the "y"
    assertThat(r.filledAt(16).placeholder()).isEqualTo("window");
    assertThat(r.filledAt(15)).isNull();
  }
}
