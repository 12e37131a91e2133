package app.photobomb.ops.faults;

import java.util.List;

/**
 * An invariant that did not hold: what kind, what it is about (a command with its envelope, or a poison record), its
 * events, and the state that disagrees.
 */
record Finding(Problem problem, String subject, List<ObservedEvent> events, String state) {

  /** The table's three columns of failures. */
  enum Problem { LOST, DUPLICATED, WRONG_STATE }

  static Finding about(Problem problem, SentCommand command, List<ObservedEvent> events, String state) {
    return new Finding(problem, "command: " + command.describe(), events, state);
  }

  static Finding of(Problem problem, String subject, String state) {
    return new Finding(problem, subject, List.of(), state);
  }

  String describe() {
    StringBuilder text = new StringBuilder(problem + ": " + state + "\n  " + subject);
    if (events.isEmpty()) {
      text.append("\n  events: none");
    }
    events.forEach(event -> text.append("\n  event: ").append(event.describe()));
    return text.toString();
  }
}
