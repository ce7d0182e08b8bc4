package io.rollbackguard.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every query ends by its deadline however the server behaves: loopback stubs that hang, stall, trickle or flood.
 * Durations are bounds, not benchmarks: a 500 ms timeout must end well within 3 s.
 */
class PrometheusClientDeadlineTest {
  static final Duration TIMEOUT = Duration.ofMillis(500);
  static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(3);
  static final String OK = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";

  final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /** What a stub does with one accepted connection whose request headers it has read. */
  interface Behaviour {
    void serve(InputStream in, OutputStream out) throws Exception;
  }

  /** A loopback server running {@code behaviour} on each connection, one thread each; closing ends them all. */
  final class Stub implements AutoCloseable {
    final ServerSocket server;
    final List<Socket> sockets = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    /** Counted down when a connection ends, however: the client closing it after the deadline included. */
    final CountDownLatch ended;

    Stub(Behaviour behaviour, int connections) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      ended = new CountDownLatch(connections);
      open.add(this);
      start(() -> {
        while (!server.isClosed()) {
          Socket s;
          try {
            s = server.accept();
          } catch (IOException e) {
            return;
          }
          sockets.add(s);
          start(() -> {
            try (s) {
              InputStream in = s.getInputStream();
              readRequestHead(in);
              behaviour.serve(in, s.getOutputStream());
            } catch (Exception e) {
              // the client went away (what the deadline tests expect) or the stub was closed
            } finally {
              ended.countDown();
            }
          });
        }
      });
    }

    private void start(Runnable r) {
      Thread t = new Thread(r, "prometheus-stub");
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws Exception {
      server.close();
      for (Socket s : sockets) {
        s.close();
      }
      for (Thread t : threads) {
        t.interrupt();
        t.join(5_000);
        assertThat(t.isAlive()).as("stub thread ended").isFalse();
      }
    }
  }

  static void readRequestHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("request ended early");
      }
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Blocks until the client closes the connection (or the stub is closed); the request body is discarded. */
  static void untilClosed(InputStream in) throws IOException {
    while (in.read() >= 0) {
      // discard
    }
  }

  PrometheusClient client(String url) {
    return new PrometheusClient(http, url, "s3cret", TIMEOUT);
  }

  /** Runs one query, asserting it ended within the bound; returns its failure reason. */
  static String failure(PrometheusClient client) {
    long start = System.nanoTime();
    PrometheusResponse r = client.query("up", System.currentTimeMillis());
    long took = System.nanoTime() - start;
    assertThat(took).as("query returned within timeout + margin").isLessThan(BOUND_NANOS);
    assertThat(r.ok()).isFalse();
    assertThat(r.failure()).doesNotContain("s3cret");
    // a timeout is told apart from other failures (the query-duration histogram's outcome)
    assertThat(r.timedOut()).as(r.failure()).isEqualTo(r.failure().contains("timed out")
        || r.failure().contains("no complete answer"));
    return r.failure();
  }

  /** The client gave up on the connection: the stub saw it closed rather than being held open for ever. */
  static void connectionsClosedByClient(Stub stub) throws InterruptedException {
    assertThat(stub.ended.await(5, TimeUnit.SECONDS)).as("the client closed its connection").isTrue();
  }

  @Test
  void aConnectThatHangsEndsByTheDeadline() throws Exception {
    // A listening socket that never accepts, its backlog filled first so that further connects get no answer at all
    // (where the kernel still completes them, this is a server that never answers: the deadline must hold either way)
    ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    open.add(silent);
    for (int i = 0; i < 16; i++) {
      Socket filler = new Socket();
      open.add(filler);
      try {
        filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()), 200);
      } catch (SocketTimeoutException e) {
        break;
      }
    }
    assertThat(failure(client("http://127.0.0.1:" + silent.getLocalPort())))
        .isEqualTo("query failed: timed out after 500ms");
  }

  @Test
  void headersNeverSentEndByTheDeadline() throws Exception {
    Stub stub = new Stub((in, out) -> untilClosed(in), 1);
    assertThat(failure(client(stub.url()))).isEqualTo("query failed: timed out after 500ms");
    connectionsClosedByClient(stub);
  }

  @Test
  void headersThenAStalledBodyEndByTheDeadline() throws Exception {
    Stub stub = new Stub((in, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + OK.length() + "\r\n\r\n"
          + OK.substring(0, 20));
      untilClosed(in);
    }, 1);
    assertThat(failure(client(stub.url()))).isEqualTo("query failed: no complete answer within 500ms");
    connectionsClosedByClient(stub);
  }

  @Test
  void aBodyTrickledOneBytePerHundredMillisecondsEndsByTheDeadline() throws Exception {
    Stub stub = new Stub((in, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + OK.length() + "\r\n\r\n");
      for (int i = 0; i < OK.length(); i++) { // 6+ s in all: the connection is idle at no point longer than 100 ms
        out.write(OK.charAt(i));
        out.flush();
        Thread.sleep(100);
      }
    }, 1);
    assertThat(failure(client(stub.url()))).isEqualTo("query failed: no complete answer within 500ms");
    connectionsClosedByClient(stub); // the next write after the client closed fails
  }

  @Test
  void aChunkedBodyTrickledEndsByTheDeadline() throws Exception {
    Stub stub = new Stub((in, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 100; i++) {
        write(out, "1\r\n \r\n");
        Thread.sleep(100);
      }
      write(out, "0\r\n\r\n");
    }, 1);
    assertThat(failure(client(stub.url()))).isEqualTo("query failed: no complete answer within 500ms");
    connectionsClosedByClient(stub);
  }

  @Test
  void aHugeBodyIsRefusedAtTheCap() throws Exception {
    byte[] block = new byte[1 << 20];
    Arrays.fill(block, (byte) ' ');
    Stub stub = new Stub((in, out) -> {
      // no Content-Length: the body ends when the connection does, after 64 MiB
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n");
      for (int i = 0; i < 64; i++) {
        out.write(block);
      }
    }, 1);
    assertThat(failure(client(stub.url()))).isEqualTo("query failed: response larger than 32 MiB");
    connectionsClosedByClient(stub);
  }

  @Test
  void aDeclaredHugeBodyIsRefusedBeforeItIsRead() throws Exception {
    Stub stub = new Stub((in, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + (1L << 40) + "\r\n\r\n");
      untilClosed(in);
    }, 1);
    assertThat(failure(client(stub.url()))).isEqualTo("query failed: response larger than 32 MiB");
    connectionsClosedByClient(stub);
  }

  @Test
  void aHugeBodyTrickledEndsByTheDeadline() throws Exception {
    byte[] block = new byte[64 * 1024];
    Arrays.fill(block, (byte) ' ');
    Stub stub = new Stub((in, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + (30L << 20) + "\r\n\r\n");
      for (int i = 0; i < 480; i++) { // 30 MiB at 64 KiB per 50 ms: 24 s
        out.write(block);
        out.flush();
        Thread.sleep(50);
      }
    }, 1);
    assertThat(failure(client(stub.url()))).isEqualTo("query failed: no complete answer within 500ms");
    connectionsClosedByClient(stub);
  }

  @Test
  void aCompleteAnswerWithinTheDeadlineIsRead() throws Exception {
    Stub stub = new Stub((in, out) -> write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + OK.length() + "\r\nConnection: close\r\n\r\n" + OK), 1);
    PrometheusResponse r = client(stub.url()).query("up", System.currentTimeMillis());
    assertThat(r.ok()).as(String.valueOf(r.failure())).isTrue();
    assertThat(r.samples()).isEmpty();
  }

  @Test
  void aSharedDeadlineShorterThanTheTimeoutEndsTheQueryAtIt() throws Exception {
    Stub stub = new Stub((in, out) -> untilClosed(in), 1);
    PrometheusClient patient = new PrometheusClient(http, stub.url(), null, Duration.ofSeconds(30));
    long start = System.nanoTime();
    PrometheusResponse r = patient.query("up", System.currentTimeMillis(), System.currentTimeMillis() + 300);
    assertThat(System.nanoTime() - start).isLessThan(BOUND_NANOS);
    assertThat(r.failure()).isEqualTo("query failed: no complete answer before the sampling deadline");
    assertThat(r.timedOut()).as("a timeout, for the query-duration histogram").isTrue();
    PrometheusResponse late = patient.query("up", 0, System.currentTimeMillis() - 1);
    assertThat(late.failure()).isEqualTo("query failed: the sampling deadline passed before it was sent");
    assertThat(late.timedOut()).isTrue();
    connectionsClosedByClient(stub);
  }

  @Test
  void twentyConcurrentQueriesAgainstAStallingServerAllEndByTheDeadline() throws Exception {
    int n = 20;
    Stub stub = new Stub((in, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + OK.length() + "\r\n\r\n{");
      untilClosed(in);
    }, n);
    PrometheusClient client = client(stub.url());
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> reasons = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        reasons.add(pool.submit(() -> {
          go.await();
          return failure(client);
        }));
      }
      long start = System.nanoTime();
      go.countDown();
      for (Future<String> f : reasons) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("query failed: no complete answer within 500ms");
      }
      assertThat(System.nanoTime() - start).as("all ended by the deadline").isLessThan(BOUND_NANOS);
      connectionsClosedByClient(stub);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }
}
