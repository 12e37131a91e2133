package app.photobomb.ops.cli.status;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;

/** Prints status rows as aligned columns: KIND, NAME, STATE, DETAIL; a row that is not healthy starts with '!'. */
final class StatusTable {

  private StatusTable() {
  }

  static void print(List<StatusRow> rows, PrintWriter out) {
    int kind = width(rows, "KIND", StatusRow::kind);
    int name = width(rows, "NAME", StatusRow::name);
    int state = width(rows, "STATE", StatusRow::state);
    String format = "%s %-" + kind + "s  %-" + name + "s  %-" + state + "s  %s%n";
    out.printf(format, " ", "KIND", "NAME", "STATE", "DETAIL");
    for (StatusRow row : rows) {
      out.printf(format, row.healthy() ? " " : "!", row.kind(), row.name(), row.state(), row.detail());
    }
  }

  private static int width(List<StatusRow> rows, String heading, Function<StatusRow, String> column) {
    return Math.max(heading.length(), rows.stream().mapToInt(row -> column.apply(row).length()).max().orElse(0));
  }
}
