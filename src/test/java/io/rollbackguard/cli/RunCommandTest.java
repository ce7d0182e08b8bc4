package io.rollbackguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
  @TempDir Path home;

  private CliRun run(Map<String, String> env, String... args) {
    RunCommand command = new RunCommand();
    command.env = env;
    command.home = home;
    return CliRun.command(command, args);
  }

  @Test
  void withNoClusterConfiguredItExitsTwoSayingWhatToSet() {
    CliRun r = run(Map.of());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: no cluster configured: pass --kubeconfig, set KUBECONFIG, "
        + "create ~/.kube/config, or run in a pod with a service account\n");
  }

  @Test
  void anUnreadableKubeconfigExitsTwo() {
    CliRun r = run(Map.of("KUBECONFIG", home.resolve("missing").toString()));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("missing cannot be read");
  }

  @Test
  void aKubeconfigThatIsNotUtf8ExitsTwoSayingSoInPlainWords() throws IOException {
    Path kubeconfig = java.nio.file.Files.write(home.resolve("config"), new byte[] {'a', 'p', 'i', ':', ' ', (byte) 0xff,
        (byte) 0xfe, '\n'});
    CliRun r = run(Map.of(), "--kubeconfig", kubeconfig.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: kubeconfig " + kubeconfig + " is not UTF-8 text\n");
  }

  @Test
  void anUnreachableApiServerExitsThreeNamingTheAddress() throws IOException {
    Path kubeconfig = TestingKubeconfig.write(home, TestingKubeconfig.UNREACHABLE, null);
    CliRun r = run(Map.of(), "--kubeconfig", kubeconfig.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).startsWith("error: cannot reach the Kubernetes API at https://127.0.0.1:1").doesNotContain("\tat ");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void aPrometheusUrlWithoutSchemeIsAUsageError() {
    CliRun r = run(Map.of("PROMETHEUS_URL", "prometheus:9090"));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: the Prometheus URL 'prometheus:9090' is not an http(s) URL (from "
        + "PROMETHEUS_URL)\n");
  }

  @Test
  void anUnsafeOperatorDefaultQueryIsAUsageError() {
    CliRun r = run(Map.of(), "--default-query", "errorRate=sum(x{deployment={{deployment}}})");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: --default-query errorRate: {{deployment}} must stand inside a quoted");
  }

  @Test
  void anInvalidAllowListIsAUsageError() {
    CliRun r = run(Map.of(), "--prometheus-url-allow", "(unclosed");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--prometheus-url-allow is not a regular expression");
  }

  @Test
  void anAlertmanagerUrlWithoutSchemeIsAUsageErrorNamingWhereItCameFrom() {
    CliRun flag = run(Map.of(), "--alertmanager-url", "http://am-0:9093", "--alertmanager-url", "am-1:9093");
    assertThat(flag.exitCode()).isEqualTo(2);
    assertThat(flag.err()).isEqualTo("error: the Alertmanager URL 'am-1:9093' is not an http(s) URL (from "
        + "--alertmanager-url)\n");
    CliRun env = run(Map.of("ALERTMANAGER_URL", "http://am-0:9093, am-1:9093"));
    assertThat(env.err()).isEqualTo("error: the Alertmanager URL 'am-1:9093' is not an http(s) URL (from "
        + "ALERTMANAGER_URL)\n");
  }

  @Test
  void anUnreadableAlertmanagerTokenFileIsAUsageError() {
    CliRun r = run(Map.of(), "--alertmanager-url", "http://am:9093", "--alertmanager-token-file",
        home.resolve("missing-token").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: --alertmanager-token-file " + home.resolve("missing-token")
        + ": cannot read it\n");
  }
}
