package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrometheusSpec {
  @JsonPropertyDescription("Base URL of the Prometheus HTTP API. Takes precedence over run --prometheus-url and PROMETHEUS_URL.")
  public String url;

  @JsonPropertyDescription("Bearer token, from a Secret labelled rollbackguard.io/credentials=true; sent only to this url.")
  public SecretKeyRef bearerTokenSecretRef;

  @JsonPropertyDescription("CA certificate for https, from a Secret labelled rollbackguard.io/credentials=true.")
  public SecretKeyRef caSecretRef;

  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("Query timeout. Default 5s.")
  public String timeout;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretKeyRef {
    @Required public String name;
    @Required public String key;
  }
}
