package app.photobomb.ops.faults;

import app.photobomb.ops.faults.Finding.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** The table the README keeps ("Faults survived"): one row per fault, as text for the terminal and as Markdown. */
final class FaultTable {

  private static final String[] HEADER = {"fault", "rounds", "commands", "lost", "duplicated effects",
      "wrong state", "p99 recovery time"};

  private final List<FaultRow> rows;

  FaultTable(List<FaultRow> rows) {
    this.rows = rows;
  }

  String markdown(FaultSettings settings) {
    StringBuilder text = new StringBuilder();
    text.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
    text.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (FaultRow row : rows) {
      text.append("| ").append(String.join(" | ", cells(row))).append(" |\n");
    }
    text.append("\nRun of ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(": ")
        .append(settings.forcedDeletions()).append(" forced deletions, ").append(settings.cancelledDeletions())
        .append(" cancelled deletions, ").append(settings.exports()).append(" exports and ").append(settings.purges())
        .append(" purges per round, ").append(settings.photosPerAccount()).append(" photos an account, ")
        .append(settings.injections()).append(" injection(s) per round (the kill: of each service), seed ")
        .append(settings.seed()).append("; recovery is from the injection until every service answers its readiness ")
        .append("probe and every consumer group has handled what was on the command topics then.\n");
    return text.toString();
  }

  String text() {
    StringBuilder text = new StringBuilder();
    String format = "%-52s %6s %8s %5s %18s %11s %17s%n";
    text.append(String.format(Locale.ROOT, format, (Object[]) HEADER));
    for (FaultRow row : rows) {
      text.append(String.format(Locale.ROOT, format, (Object[]) cells(row)));
    }
    return text.toString();
  }

  void write(Path file, FaultSettings settings) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, "# Faults survived\n\n" + markdown(settings));
  }

  private static String[] cells(FaultRow row) {
    return new String[] {row.fault() + " (" + row.faults() + "x)", Integer.toString(row.rounds().size()),
        Integer.toString(row.commands()), Long.toString(row.count(Problem.LOST)),
        Long.toString(row.count(Problem.DUPLICATED)), Long.toString(row.count(Problem.WRONG_STATE)),
        String.format(Locale.ROOT, "%.1f s", row.p99Recovery().toMillis() / 1000.0)};
  }
}
