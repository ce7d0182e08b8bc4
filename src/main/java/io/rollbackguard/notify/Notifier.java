package io.rollbackguard.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.rollbackguard.notify.AlertmanagerClient.Posted;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Alertmanager told of every active recommendation, on its own thread: reconcilers hand it the alert a verdict
 * wants ({@link #offer}, a map put), and it posts what changed at once and every active alert again each resend
 * period, to every configured Alertmanager (an HA pair gets the same alerts; they dedupe). An alert whose labels change
 * (deadline passed, another action or revision) is another alert to Alertmanager: the old one is posted resolved at
 * once. A resolved alert is posted until each Alertmanager accepted it, or until it would have expired there anyway.
 * An Alertmanager that fails is retried with exponential backoff, alone; nothing waits for it but this thread, and
 * that for at most the post timeout.
 */
public final class Notifier implements AutoCloseable {
  /**
   * @param urls the Alertmanagers (an HA pair: both); none turns notifications off
   * @param tokenFile a bearer token for them, or null
   * @param resend how often an active alert is posted again; Alertmanager is told it ends after four of these
   * @param timeout how long one post may take
   */
  public record Settings(List<String> urls, Path tokenFile, Duration resend, Duration timeout) {
    public static final Duration RESEND = Duration.ofSeconds(60);
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    public Settings {
      urls = urls == null ? List.of() : List.copyOf(urls);
    }

    public static Settings of(List<String> urls, Path tokenFile) {
      return new Settings(urls, tokenFile, RESEND, TIMEOUT);
    }

    public boolean enabled() {
      return !urls.isEmpty();
    }
  }

  static final int RESEND_PERIODS = 4;
  static final long TICK_MILLIS = 500;
  static final long FIRST_RETRY_MILLIS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

  private final Settings settings;
  private final Clock clock;
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final Counter sent;
  private final Counter failed;
  private final ScheduledExecutorService thread;
  private final AtomicBoolean wakeQueued = new AtomicBoolean();
  private final AtomicBoolean acting;

  /** What reconcilers asked for since the notifier thread last looked: verdict key → the alert it wants, or none. */
  private final Map<String, Optional<Alert>> inbox = new ConcurrentHashMap<>();
  // The notifier thread's own state: no lock, no other thread reads it (but the size, for tests).
  private final Map<String, Active> active = new HashMap<>();
  private final List<Resolved> resolving = new ArrayList<>();
  private volatile int tracked;

  private static final class Endpoint {
    final AlertmanagerClient client;
    long retryAt;
    int failures;
    long lastResendAt = Long.MIN_VALUE / 2;

    Endpoint(AlertmanagerClient client) {
      this.client = client;
    }
  }

  /** An alert Alertmanager is to show; {@code pending}: the endpoints that have not accepted this version yet. */
  private record Active(Alert alert, Set<Endpoint> pending) {}

  private record Resolved(Alert alert, long endedAt, long forgetAt, Set<Endpoint> pending) {}

  /**
   * @param acting whether this replica acts now (leads); a notifier that does not act posts nothing
   */
  public Notifier(Settings settings, Clock clock, MeterRegistry registry, boolean acting) {
    this.settings = settings;
    this.clock = clock;
    this.acting = new AtomicBoolean(acting);
    this.sent = Counter.builder("rollbackguard_notifications").tag("result", "sent")
        .description("Posts of alerts to an Alertmanager, by result (each Alertmanager counts apart)")
        .register(registry);
    this.failed = Counter.builder("rollbackguard_notifications").tag("result", "failed")
        .description("Posts of alerts to an Alertmanager, by result (each Alertmanager counts apart)")
        .register(registry);
    if (!settings.enabled()) {
      thread = null;
      return;
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(settings.timeout())
        .followRedirects(HttpClient.Redirect.NEVER).build();
    for (String url : settings.urls()) {
      endpoints.add(new Endpoint(new AlertmanagerClient(http, url, settings.tokenFile())));
    }
    thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "rollback-guard-notifier");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::safeTick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  public boolean enabled() {
    return thread != null;
  }

  /**
   * The alert the verdict {@code key} wants now (empty: none, which resolves the one it had). Never blocks; the post
   * happens on the notifier's thread.
   */
  public void offer(String key, Optional<Alert> alert) {
    if (thread == null || !acting.get()) {
      return;
    }
    inbox.put(key, alert);
    if (wakeQueued.compareAndSet(false, true)) {
      try {
        thread.execute(() -> {
          wakeQueued.set(false);
          safeTick();
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  /** This replica leads (again): it posts what reconciles offer from now on, the active alerts among them. */
  public void startActing() {
    acting.set(true);
  }

  /**
   * Lost the lead: forget everything, post nothing more. The new leader reconciles every verdict and posts what is
   * active; Alertmanager knows those alerts by their labels and takes them for the same ones.
   */
  public void stopActing() {
    acting.set(false);
    inbox.clear();
    if (thread != null) {
      try {
        thread.execute(() -> {
          active.clear();
          resolving.clear();
          inbox.clear();
          tracked = 0;
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  /** Alerts kept (active, and resolved ones not yet delivered), for tests that check the maps are pruned. */
  public int tracked() {
    return tracked + inbox.size();
  }

  private void safeTick() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.warn("notifier: {}", e.toString());
    }
  }

  private void tick() {
    if (!acting.get()) {
      return;
    }
    long now = clock.millis();
    drain(now);
    postDue(now);
    resolving.removeIf(r -> r.pending().isEmpty() || now >= r.forgetAt());
    tracked = active.size() + resolving.size();
  }

  private void drain(long now) {
    for (Iterator<String> keys = inbox.keySet().iterator(); keys.hasNext(); ) {
      String key = keys.next();
      Optional<Alert> wanted = inbox.remove(key);
      if (wanted == null) {
        continue;
      }
      Active current = active.get(key);
      if (wanted.isEmpty()) {
        if (current != null) {
          resolve(current.alert(), now);
          active.remove(key);
        }
        continue;
      }
      Alert alert = wanted.get();
      if (current != null && current.alert().equals(alert)) {
        continue;
      }
      if (current != null && current.alert().sameAs(alert)) {
        // Same alert, newer values (findings move with every sample): they ride the next resend.
        active.put(key, new Active(alert, current.pending()));
        continue;
      }
      if (current != null) {
        resolve(current.alert(), now);
      }
      // The same labels active again: a resolution still to be posted would end the new alert.
      resolving.removeIf(r -> r.alert().sameAs(alert));
      active.put(key, new Active(alert, new HashSet<>(endpoints)));
    }
  }

  private void resolve(Alert alert, long now) {
    // Alertmanager forgets an unresolved alert at its endsAt anyway: no need to keep trying past that.
    long forgetAt = now + RESEND_PERIODS * settings.resend().toMillis();
    resolving.add(new Resolved(alert, now, forgetAt, new HashSet<>(endpoints)));
  }

  /** One post per endpoint that is due and not backing off, all at once, each bounded by the timeout. */
  private void postDue(long now) {
    long resend = settings.resend().toMillis();
    Map<Endpoint, List<Posted>> batches = new LinkedHashMap<>();
    Map<Endpoint, Boolean> full = new HashMap<>();
    for (Endpoint e : endpoints) {
      if (now < e.retryAt) {
        continue;
      }
      boolean everything = now - e.lastResendAt >= resend;
      List<Posted> batch = new ArrayList<>();
      for (Resolved r : resolving) {
        if (r.pending().contains(e)) {
          batch.add(new Posted(r.alert(), r.endedAt()));
        }
      }
      long endsAt = now + RESEND_PERIODS * resend;
      for (Active a : active.values()) {
        if (everything || a.pending().contains(e)) {
          batch.add(new Posted(a.alert(), endsAt));
        }
      }
      if (!batch.isEmpty()) {
        batches.put(e, batch);
        full.put(e, everything);
      } else if (everything) {
        e.lastResendAt = now;
      }
    }
    if (batches.isEmpty()) {
      return;
    }
    Map<Endpoint, CompletableFuture<String>> posts = new LinkedHashMap<>();
    batches.forEach((e, batch) -> posts.put(e, e.client.post(batch, settings.timeout())));
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    posts.forEach((e, post) -> {
      String problem;
      try {
        problem = post.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException ex) {
        post.cancel(true);
        problem = "no answer within " + settings.timeout().toMillis() + " ms";
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        problem = "interrupted";
      } catch (java.util.concurrent.ExecutionException ex) {
        problem = String.valueOf(ex.getCause());
      }
      if (problem == null) {
        accepted(e, batches.get(e), full.get(e), now);
      } else {
        refused(e, problem, batches.get(e).size(), now);
      }
    });
  }

  private void accepted(Endpoint e, List<Posted> batch, boolean everything, long now) {
    sent.increment();
    if (e.failures > 0) {
      LOG.info("Alertmanager {}: reachable again after {} failed posts", e.client.url(), e.failures);
    }
    e.failures = 0;
    e.retryAt = 0;
    if (everything) {
      e.lastResendAt = now;
    }
    Set<Alert> posted = new HashSet<>();
    batch.forEach(p -> posted.add(p.alert()));
    active.values().forEach(a -> {
      if (posted.contains(a.alert())) {
        a.pending().remove(e);
      }
    });
    resolving.forEach(r -> {
      if (posted.contains(r.alert())) {
        r.pending().remove(e);
      }
    });
  }

  private void refused(Endpoint e, String problem, int alerts, long now) {
    failed.increment();
    e.failures++;
    long backoff = Math.min(FIRST_RETRY_MILLIS << Math.min(e.failures - 1, 20), settings.resend().toMillis());
    e.retryAt = now + backoff;
    if (e.failures == 1 || Long.bitCount(e.failures) == 1) {
      LOG.warn("Alertmanager {}: {} alerts not delivered: {} (failure {}; retrying in {} ms)", e.client.url(), alerts,
          problem, e.failures, backoff);
    }
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.shutdownNow();
    }
  }
}
