package io.rollbackguard.signals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Instant queries against one Prometheus. The bearer token, when there is one, belongs to this URL only: it is sent
 * to nothing else, and appears in no log, status or error message.
 *
 * <p>Every query ends by its deadline, whatever the server does: the caller waits on the asynchronous exchange for
 * the time left, not on the socket, so a connect that hangs, headers that never come, a body that stalls or trickles
 * all end as a failed response when the time is up, and the exchange is then cancelled (the JDK closes its
 * connection). {@link HttpRequest#timeout} alone would not do: it bounds only the wait for the response headers.
 */
public final class PrometheusClient {
  /** The largest body read; a larger answer is a failure, not a reading (and not an unbounded buffer). */
  static final long MAX_BODY_BYTES = 32L * 1024 * 1024;

  private final HttpClient http;
  private final URI queryEndpoint;
  private final URI rangeEndpoint;
  private final String bearerToken;
  private final Duration timeout;

  public PrometheusClient(HttpClient http, String baseUrl, String bearerToken, Duration timeout) {
    this.http = http;
    String base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    this.queryEndpoint = URI.create(base).resolve("api/v1/query");
    this.rangeEndpoint = URI.create(base).resolve("api/v1/query_range");
    this.bearerToken = bearerToken;
    this.timeout = timeout;
  }

  public String url() {
    return queryEndpoint.toString();
  }

  /** How long one query may take. */
  public long timeoutMillis() {
    return timeout.toMillis();
  }

  /**
   * Evaluates {@code promql} at {@code atMillis}, within the client's timeout; never throws: a failure is a response
   * with a reason.
   */
  public PrometheusResponse query(String promql, long atMillis) {
    return query(promql, atMillis, Long.MAX_VALUE);
  }

  /**
   * As {@link #query(String, long)}, but also ending by {@code deadlineAtMillis} (wall clock, as
   * {@link System#currentTimeMillis()}) when that comes before the client's timeout: for a sampler sharing one
   * deadline across its queries. A query the deadline leaves no time for is not sent.
   */
  public PrometheusResponse query(String promql, long atMillis, long deadlineAtMillis) {
    Answer a = send(queryEndpoint, "query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
        + "&time=" + seconds(atMillis), deadlineAtMillis);
    return a.failure() != null ? a.failure() : PrometheusResponse.parse(a.status(), a.body());
  }

  /**
   * Evaluates {@code promql} at every {@code stepMillis} from {@code startMillis} to {@code endMillis} (a range query,
   * {@code /api/v1/query_range}), by the same timeout and deadline as {@link #query(String, long, long)}; never
   * throws.
   */
  public PrometheusRange queryRange(String promql, long startMillis, long endMillis, long stepMillis,
      long deadlineAtMillis) {
    Answer a = send(rangeEndpoint, "query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
        + "&start=" + seconds(startMillis) + "&end=" + seconds(endMillis) + "&step=" + seconds(stepMillis),
        deadlineAtMillis);
    return a.failure() != null ? PrometheusRange.failed(a.failure()) : PrometheusRange.parse(a.status(), a.body());
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
  }

  /** An HTTP answer, or why there is none. */
  private record Answer(int status, String body, PrometheusResponse failure) {
    static Answer failed(PrometheusResponse failure) {
      return new Answer(0, null, failure);
    }
  }

  private Answer send(URI endpoint, String query, long deadlineAtMillis) {
    long started = System.nanoTime();
    long budgetMillis = Math.max(1, timeout.toMillis());
    boolean shared = false;
    if (deadlineAtMillis != Long.MAX_VALUE) {
      long left = deadlineAtMillis - System.currentTimeMillis();
      if (left <= 0) {
        return Answer.failed(PrometheusResponse.timedOut("query failed: the sampling deadline passed before it was"
            + " sent"));
      }
      if (left < budgetMillis) {
        budgetMillis = left;
        shared = true;
      }
    }
    String form = query + "&timeout=" + budgetMillis + "ms";
    HttpRequest request;
    try {
      HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
        .timeout(Duration.ofMillis(budgetMillis)) // lets the JDK itself give up on headers that do not come
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(form));
      if (bearerToken != null) {
        builder.header("Authorization", "Bearer " + bearerToken);
      }
      request = builder.build();
    } catch (RuntimeException e) {
      return Answer.failed(PrometheusResponse.failed("query failed: the request could not be built (check the URL"
          + " and token)"));
    }
    CappedBody body = new CappedBody(MAX_BODY_BYTES);
    CompletableFuture<HttpResponse<byte[]>> exchange;
    try {
      exchange = http.sendAsync(request, body);
    } catch (RuntimeException e) {
      // e.g. a header the JDK refuses: its message would quote the header, token included, so it is not used
      return Answer.failed(PrometheusResponse.failed("query failed: the request could not be built"));
    }
    try {
      long leftNanos = TimeUnit.MILLISECONDS.toNanos(budgetMillis) - (System.nanoTime() - started);
      HttpResponse<byte[]> response = exchange.get(Math.max(0, leftNanos), TimeUnit.NANOSECONDS);
      return new Answer(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8), null);
    } catch (TimeoutException e) {
      abandon(exchange, body);
      return Answer.failed(expired(body.headersArrived(), shared));
    } catch (InterruptedException e) {
      abandon(exchange, body);
      Thread.currentThread().interrupt();
      return Answer.failed(PrometheusResponse.failed("query interrupted"));
    } catch (ExecutionException e) {
      return Answer.failed(failure(e.getCause(), body.headersArrived(), shared));
    } catch (RuntimeException e) {
      abandon(exchange, body);
      return Answer.failed(PrometheusResponse.failed("query failed: " + e.getClass().getSimpleName()));
    }
  }

  /** Stops the exchange: no thread waits on it any more, and its connection is closed rather than left reading. */
  private static void abandon(CompletableFuture<?> exchange, CappedBody body) {
    body.abort();
    exchange.cancel(true); // since JDK 16 cancel(true) cancels the underlying exchange, not just the future
  }

  private PrometheusResponse expired(boolean headersArrived, boolean shared) {
    if (shared) {
      return PrometheusResponse.timedOut("query failed: no complete answer before the sampling deadline");
    }
    return PrometheusResponse.timedOut(headersArrived
        ? "query failed: no complete answer within " + timeout.toMillis() + "ms"
        : "query failed: timed out after " + timeout.toMillis() + "ms");
  }

  private PrometheusResponse failure(Throwable cause, boolean headersArrived, boolean shared) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof BodyTooLarge) {
        return PrometheusResponse.failed("query failed: response larger than " + MAX_BODY_BYTES / (1024 * 1024)
            + " MiB");
      }
      if (t instanceof HttpTimeoutException) { // also HttpConnectTimeoutException
        return expired(headersArrived, shared);
      }
      if (t instanceof ConnectException) {
        return PrometheusResponse.failed("query failed: cannot connect to " + queryEndpoint.getHost() + ":"
            + queryEndpoint.getPort());
      }
    }
    if (cause instanceof IOException) {
      return PrometheusResponse.failed("query failed: " + cause.getClass().getSimpleName()
          + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }
    // not an I/O failure: its message could quote the request, token included, so it is not used
    return PrometheusResponse.failed("query failed: " + (cause == null ? "unknown error"
        : cause.getClass().getSimpleName()));
  }

  /** The body is larger than {@link #MAX_BODY_BYTES}. */
  private static final class BodyTooLarge extends IOException {
    BodyTooLarge() {
      super("response body too large");
    }
  }

  /**
   * Reads a body of at most {@code max} bytes (a larger one fails the exchange as soon as it is known to be larger),
   * notes when the headers have arrived, and can be aborted from the waiting thread.
   */
  private static final class CappedBody implements HttpResponse.BodyHandler<byte[]> {
    private final long max;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private volatile boolean headersArrived;
    // touched only by the subscriber's signals, which the JDK delivers one at a time
    private final List<ByteBuffer> parts = new ArrayList<>();
    private long size;

    CappedBody(long max) {
      this.max = max;
    }

    boolean headersArrived() {
      return headersArrived;
    }

    /** Completes the body as failed and cancels its subscription, whichever of the two comes first. */
    void abort() {
      result.completeExceptionally(new IOException("abandoned at the deadline"));
      Flow.Subscription s = subscription.get();
      if (s != null) {
        s.cancel();
      }
    }

    @Override
    public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
      headersArrived = true;
      boolean declaredTooLarge = info.headers().firstValueAsLong("Content-Length").orElse(0) > max;
      return new HttpResponse.BodySubscriber<>() {
        @Override
        public CompletionStage<byte[]> getBody() {
          return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
          if (!subscription.compareAndSet(null, s)) {
            s.cancel();
            return;
          }
          if (declaredTooLarge) {
            fail(new BodyTooLarge());
          } else if (result.isDone()) {
            s.cancel(); // aborted before the body began
          } else {
            s.request(1);
          }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
          if (result.isDone()) {
            return;
          }
          for (ByteBuffer b : items) {
            size += b.remaining();
            if (size > max) {
              fail(new BodyTooLarge());
              return;
            }
            parts.add(b);
          }
          subscription.get().request(1);
        }

        @Override
        public void onError(Throwable t) {
          parts.clear();
          result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
          byte[] all = new byte[(int) size];
          int at = 0;
          for (ByteBuffer b : parts) {
            int n = b.remaining();
            b.get(all, at, n);
            at += n;
          }
          parts.clear();
          result.complete(all);
        }

        private void fail(IOException e) {
          parts.clear();
          result.completeExceptionally(e);
          subscription.get().cancel();
        }
      };
    }
  }
}
