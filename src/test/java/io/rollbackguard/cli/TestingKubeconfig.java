package io.rollbackguard.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig with one cluster, a token user and a current context, as `run`, `runbook` and `postmortem` read. */
public final class TestingKubeconfig {
  /** An address nothing listens on: the API server is unreachable. */
  public static final String UNREACHABLE = "https://127.0.0.1:1";

  private TestingKubeconfig() {}

  /** Writes {@code dir/config} pointing at {@code server}; {@code namespace} is the context's, or null for none. */
  public static Path write(Path dir, String server, String namespace) throws IOException {
    Path file = dir.resolve("config");
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "%s"}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: x, context: {cluster: c, user: u%s}}]
        current-context: x
        """.formatted(server, namespace == null ? "" : ", namespace: " + namespace));
    return file;
  }
}
