package app.photobomb.ops.faults;

import java.util.List;

/** An invariant that did not hold: what kind, the command it is about, its events, and the state that disagrees. */
record Finding(Problem problem, SentCommand command, List<ObservedEvent> events, String state) {

  /** The table's three columns of failures. */
  enum Problem { LOST, DUPLICATED, WRONG_STATE }

  String describe() {
    StringBuilder text = new StringBuilder(problem + ": " + state + "\n  command: " + command.describe());
    if (events.isEmpty()) {
      text.append("\n  events: none");
    }
    events.forEach(event -> text.append("\n  event: ").append(event.describe()));
    return text.toString();
  }
}
