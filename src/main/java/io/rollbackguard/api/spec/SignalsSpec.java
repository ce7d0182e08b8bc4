package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SignalsSpec {
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("What {{window}} expands to in queries. Default 1m.")
  public String rateWindow;

  @JsonPropertyDescription("The label that splits a grouped ({{deployments}}) result per Deployment. Default deployment.")
  public String groupBy;

  @JsonPropertyDescription("Fraction of failed requests, 0..1.")
  public QuerySpec errorRate;

  @JsonPropertyDescription("95th percentile latency, in seconds.")
  public QuerySpec latencyP95;

  @JsonPropertyDescription("Requests per second: the traffic guard of minRequestRate.")
  public QuerySpec requestRate;

  @JsonPropertyDescription("Named signals that custom criteria refer to.")
  public List<CustomSignalSpec> custom;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class QuerySpec {
    @Required public String query;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class CustomSignalSpec {
    /** What a custom signal's name may be; the CRD refuses others. */
    public static final String NAME_PATTERN = "^[A-Za-z][A-Za-z0-9_.-]*$";

    @Required
    @Pattern(NAME_PATTERN)
    public String name;
    @Required public String query;
  }
}
