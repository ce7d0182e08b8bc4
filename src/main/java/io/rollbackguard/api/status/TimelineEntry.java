package io.rollbackguard.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TimelineEntry {
  public String at;
  public String event;
  public String message;

  public TimelineEntry() {}

  public TimelineEntry(String at, String event, String message) {
    this.at = at;
    this.event = event;
    this.message = message;
  }
}
