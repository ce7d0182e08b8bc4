package io.rollbackguard.api.status;

import java.util.List;

/** A titled list of steps to paste, and what to watch out for. */
public record Procedure(String title, List<Step> steps, List<String> warnings) {
  public Procedure {
    steps = List.copyOf(steps);
    warnings = List.copyOf(warnings);
  }

  /** One step; {@code command} is null for a step a person does by hand. */
  public record Step(String title, String command) {}

  /** Whether the title, a step's title or command, or a warning contains {@code text}. */
  public boolean mentions(String text) {
    if (title.contains(text)) {
      return true;
    }
    for (Step step : steps) {
      if (step.title().contains(text) || (step.command() != null && step.command().contains(text))) {
        return true;
      }
    }
    return warnings.stream().anyMatch(w -> w.contains(text));
  }
}
