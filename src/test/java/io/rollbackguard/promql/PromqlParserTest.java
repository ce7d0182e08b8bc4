package io.rollbackguard.promql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parser agrees with Prometheus' own: every query accepted here is accepted by promtool check rules (2.42), and
 * every refused one is refused there, except the Prometheus 3 syntax noted below, which 2.42 lacks.
 */
class PromqlParserTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "up",
      "up{job=\"api\"}",
      "sum by (pod) (rate(http_requests_total{status=~\"5..\",namespace=\"shop\"}[5m])) / ignoring(status)"
          + " group_left sum(rate(x[5m]))",
      "histogram_quantile(0.95, sum by (le) (rate(h_bucket[5m])))",
      "max_over_time(up[1h:5m] offset 1d)",
      "(sum by (deployment) (rate(http_requests_total{namespace=\"shop\",deployment=~\"checkout|cart\","
          + "status=~\"5..\"}[1m])) or sum by (deployment) (rate(http_requests_total{namespace=\"shop\","
          + "deployment=~\"checkout|cart\"}[1m])) * 0) / sum by (deployment) (rate(http_requests_total{"
          + "namespace=\"shop\",deployment=~\"checkout|cart\"}[1m]))",
      "min(probe_success{job=\"checkout-e2e\"})",
      "sum(rate(x[5m])) by (a, b,)",
      "sum without () (x)",
      "Sum BY (a) (x)",
      "topk(3, x)",
      "count_values(\"v\", x)",
      "quantile(0.9, x)",
      "x offset -5m",
      "x @ 1609746000",
      "rate(x[5m] @ end())",
      "x @ start() [5m]",
      "x[5m] offset 1h",
      "x[5m:] offset 1h",
      "irate(x[5m:30s])",
      "-x",
      "2 ^ -1 * 3",
      "1 > bool 2",
      "a and on(x) b",
      "a * on(instance) group_left(job) b",
      "a * on(instance) group_right b",
      "a + on() 1",
      "rate(x[5m]) > 0.5 and on(deployment) rate(y[5m]) < 3",
      "label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\")",
      "label_join(up, \"dst\", \",\", \"a\", \"b\", \"c\")",
      "round(x)",
      "hour()",
      "scalar(sum(x)) > bool 0",
      "count(x) > 5 or vector(0)",
      "holt_winters(x[5m], 0.5, 0.5)",
      "x # a comment\n  + y",
      "0x1F + 1e3 + .5 + Inf + NaN",
      "x{a=`raw\\d`, b=\"\\\\d\", c='it\\'s', d=\"\\u00e4\\x41\\101\"}",
      "{__name__=\"up\"}",
      "{job=~\".+\"}",
      "x{a=\"b\",}",
      "foo:bar{a=\"b\"}",
      "sum",
      "offset",
      "x{a=~\"\\\\p{L}(?P<name_1>a)[]a]{a}a{2}(?i)b\"}",
      "ln(x) atan2 y",
      // Prometheus 3, which 2.42 refuses:
      "{\"foo.bar\", \"a.b\"=\"c\"}",
      "rate(x[300])",
      "time() - 5m",
  })
  void prometheusAcceptsThese(String query) throws PromqlException {
    assertThat(PromqlParser.parse(query).type()).isNotNull();
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        arguments("up{h=bbbb2222}", 6, "expected a string after \"h=\", got \"bbbb2222\""),
        arguments("up{h=5d4f8c7b9a}", 6, "expected a string after \"h=\", got \"5d4f8c7b9a\""),
        arguments("this is not promql (((", 6, "unexpected \"is\" after a complete expression"),
        arguments("", 1, "the query is empty"),
        arguments("rate(x)", 6, "the argument of rate() must be a range vector, got an instant vector: add a range"),
        arguments("rat(x[5m])", 1, "unknown function \"rat\" (did you mean rad?)"),
        arguments("sum(x[5m])", 5, "what sum() aggregates must be an instant vector, got a range vector"),
        arguments("x[5m] + 1", 1, "\"+\" needs an instant vector or a scalar on its left, got a range vector"),
        arguments("'a' + 1", 1, "got a string"),
        arguments("1 < 2", 3, "comparing two scalars needs bool"),
        arguments("x and 1", 3, "\"and\" needs instant vectors on both sides"),
        arguments("a + bool b", 5, "bool can only follow a comparison"),
        arguments("a + group_left b", 5, "group_left needs on (…) or ignoring (…) before it"),
        arguments("a and on(x) group_left b", 13, "group_left cannot be used with \"and\""),
        arguments("a * on(a) group_left(a) b", 11, "the label \"a\" must not be in both on (…) and group_left (…)"),
        arguments("1 + on(a) x", 5, "here one side of \"+\" is a scalar"),
        arguments("topk(x)", 1, "topk() takes 2 arguments (a parameter and an instant vector), got 1"),
        arguments("topk(\"a\", x)", 6, "the parameter of topk() must be a scalar, got a string"),
        arguments("count_values(1, x)", 14, "the parameter of count_values() must be a string"),
        arguments("sum()", 1, "sum() takes 1 argument (an instant vector), got 0"),
        arguments("histogram_quantile(0.9)", 1, "histogram_quantile() takes 2 arguments, got 1"),
        arguments("hour(x, y)", 1, "hour() takes at most 1 argument, got 2"),
        arguments("round()", 1, "round() takes 1 to 2 arguments, got 0"),
        arguments("label_join(x, \"a\")", 1, "label_join() takes at least 3 arguments, got 2"),
        arguments("time(1)", 1, "time() takes no arguments, got 1"),
        arguments("label_replace(x, 1, \"a\", \"b\", \"c\")", 18, "argument 2 of label_replace() must be a string"),
        arguments("rate(x[5m],)", 11, "trailing comma in the arguments of rate()"),
        arguments("sum(x) offset 5m", 8, "offset can only follow a selector, a range or a subquery"),
        arguments("(x)[5m]", 4, "a range such as [5m] can only follow a selector"),
        arguments("rate(x[5m][10m:1m])", 11, "a subquery [range:step] needs an instant vector before it"),
        arguments("-x[5m]", 1, "a sign needs an instant vector or a scalar after it, got a range vector"),
        arguments("x offset 1h [5m]", 13, "write the range before offset"),
        arguments("x @ 1 [5m]", 7, "write the range before @"),
        arguments("x offset 1h offset 2h", 13, "offset is given twice"),
        arguments("x[5m] @ 1 @ 2", 11, "@ is given twice"),
        arguments("x @ Inf", 5, "expected a Unix timestamp, start() or end() after @"),
        arguments("x[0s]", 3, "range must be longer than 0s"),
        arguments("x[5m:0s]", 6, "subquery step must be longer than 0s"),
        arguments("x offset 0s", 10, "offset must be longer than 0s"),
        arguments("x[1.5m]", 3, "'1.5m' is not a Prometheus duration"),
        arguments("x[30s1m]", 3, "'30s1m' is not a Prometheus duration"),
        arguments("x[99999999999999999999999s]", 3, "'99999999999999999999999s' is out of range"),
        arguments("x[]", 3, "expected a range such as 5m, got \"]\""),
        arguments("x[5m", 5, "expected \"]\" or \":\" after the range, got the end of the query"),
        arguments("x offset", 9, "expected an offset such as 5m, got the end of the query"),
        arguments("{}", 1, "a selector needs a metric name, or a matcher that does not match the empty string"),
        arguments("{a=\"\"}", 1, "would select every series"),
        arguments("{a=~\".*\"}", 1, "would select every series"),
        arguments("up{__name__=\"x\"}", 1, "the metric name is given twice"),
        arguments("x{a=~\"(\"}", 6, "\"(\" is not a valid regular expression: unclosed group"),
        arguments("x{a=~\"(?=a)\"}", 6, "lookahead and lookbehind are not supported"),
        arguments("x{a=~\"(a)\\\\1\"}", 6, "backreferences such as \\1 are not supported"),
        arguments("x{a=\"5\\d\\d\"}", 7, "\\d is not an escape sequence of PromQL strings: write \\\\d"),
        arguments("x{a=\"\\u12\"}", 6, "the escape sequence \\u12\" needs 4 hexadecimal digits"),
        arguments("x{a=\"\\400\"}", 6, "the escape sequence \\400 is not a valid character"),
        arguments("x{a=\"abc", 5, "the string \"… that starts here is not closed"),
        arguments("x{a=\"a\nb\"}", 5, "must be closed on the line where it starts"),
        arguments("x{a=`abc", 5, "the `raw` string that starts here is not closed"),
        arguments("x{job=\"a\"", 2, "the \"{\" here is not closed"),
        arguments("rate(x[5m]", 5, "the \"(\" here is not closed"),
        arguments("x{a}", 4, "expected =, !=, =~ or !~ after the label \"a\", got \"}\""),
        arguments("x{a=}", 5, "expected a string after \"a=\", got \"}\""),
        arguments("x{,}", 3, "expected a label name or \"}\" in the selector, got \",\""),
        arguments("x{a=\"b\" b=\"c\"}", 9, "expected \",\" or \"}\" after a in the selector, got \"b\""),
        arguments("sum by (a:b) (x)", 9, "expected a label name in by (…), got \"a:b\""),
        arguments("sum by (a)", 11, "expected \"(\" and what to aggregate after sum by (…), got the end of the query"),
        arguments("sum(x) by (le) by (a)", 16, "unexpected \"by\" after a complete expression"),
        arguments("x == y ==", 10, "expected an expression, got the end of the query"),
        arguments("on(a) x", 1, "expected an expression, got \"on\""),
        arguments("x = y", 3, "unexpected \"=\": compare with =="),
        arguments("x)", 2, "unexpected \")\": no \"(\" is open"),
        arguments("foo}", 4, "unexpected \"}\": no \"{\" is open"),
        arguments("a.b", 1, "\"a.b\" is not a name"),
        arguments("Päy", 1, "\"Päy\" is not a name"),
        arguments("x{a=\"b\"}{c=\"d\"}", 9, "unexpected \"{\" after a complete expression"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("refused")
  void prometheusRefusesTheseAndTheMessageSaysWhereAndWhy(String query, int column, String message) {
    assertThatThrownBy(() -> PromqlParser.parse(query))
        .isInstanceOfSatisfying(PromqlException.class, e -> {
          assertThat(e.getMessage()).contains(message);
          assertThat(e.start() + 1).as("column").isEqualTo(column);
        });
  }

  @Test
  void theTypeOfTheResultIsKnown() throws PromqlException {
    assertThat(PromqlParser.parse("sum(rate(x[5m]))").type()).isEqualTo(ValueType.VECTOR);
    assertThat(PromqlParser.parse("scalar(x) * 2").type()).isEqualTo(ValueType.SCALAR);
    assertThat(PromqlParser.parse("x[5m]").type()).isEqualTo(ValueType.MATRIX);
    assertThat(PromqlParser.parse("\"s\"").type()).isEqualTo(ValueType.STRING);
  }

  @Test
  void experimentalFunctionsAreAcceptedAndNamed() throws PromqlException {
    assertThat(PromqlParser.parse("mad_over_time(x[5m]) + limitk(2, y)").experimental())
        .containsExactly("mad_over_time()", "limitk()");
    assertThat(PromqlParser.parse("rate(x[5m])").experimental()).isEmpty();
  }

  @Test
  void precedenceFollowsPrometheus() throws PromqlException {
    // -a^b is -(a^b): the sign applies to a scalar here, so the whole is a scalar comparison needing bool
    assertThat(PromqlParser.parse("-2 ^ 2 > bool 0").type()).isEqualTo(ValueType.SCALAR);
    // and binds tighter than or: x or (1 > bool 0 and y) would mix a scalar into "and"
    assertThatThrownBy(() -> PromqlParser.parse("x or 1 > bool 0 and y")).hasMessageContaining("\"and\"");
    // offset binds to the selector, not to the sum
    assertThat(PromqlParser.parse("x + y offset 5m").type()).isEqualTo(ValueType.VECTOR);
  }
}
