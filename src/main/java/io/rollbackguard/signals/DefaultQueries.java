package io.rollbackguard.signals;

import io.rollbackguard.verdict.Signals;

/**
 * The queries a policy gets when it names none: grouped (one per policy), over the common
 * {@code http_requests_total{namespace,deployment,status}} and {@code http_request_duration_seconds_bucket}
 * conventions.
 */
public final class DefaultQueries {
  private DefaultQueries() {}

  public static String of(String signal, String groupBy) {
    String selector = "namespace=\"{{namespace}}\"," + groupBy + "=~\"{{deployments}}\"";
    String requests = "sum by (" + groupBy + ") (rate(http_requests_total{" + selector + "}[{{window}}]))";
    switch (signal) {
      case Signals.ERROR_RATE:
        // "or ... * 0": a Deployment with traffic and no 5xx series has an error rate of 0, not "no data".
        return "(sum by (" + groupBy + ") (rate(http_requests_total{" + selector + ",status=~\"5..\"}[{{window}}]))"
            + " or " + requests + " * 0) / " + requests;
      case Signals.LATENCY_P95:
        return "histogram_quantile(0.95, sum by (" + groupBy + ", le) (rate(http_request_duration_seconds_bucket{"
            + selector + "}[{{window}}])))";
      case Signals.REQUEST_RATE:
        return requests;
      default:
        return null;
    }
  }
}
