package app.photobomb.ops.platform.resize;

import app.photobomb.ops.platform.resize.DatabaseProperties.MaintenanceWindow;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;

/** When the monthly maintenance window opens next. */
final class MaintenanceWindows {

  private MaintenanceWindows() {
  }

  /** {@code now} itself while a window is open, else the start of the next one. */
  static Instant next(MaintenanceWindow window, Instant now) {
    YearMonth month = YearMonth.from(now.atZone(window.zone()));
    for (int i = 0; i < 3; i++, month = month.plusMonths(1)) {
      ZonedDateTime start = month.atDay(1).with(TemporalAdjusters.dayOfWeekInMonth(window.week(), window.day()))
          .atTime(window.start()).atZone(window.zone());
      Instant end = start.toInstant().plus(window.length());
      if (now.isBefore(end)) {
        return now.isBefore(start.toInstant()) ? start.toInstant() : now;
      }
    }
    throw new IllegalStateException("no maintenance window within three months of " + now);
  }

  static boolean isOpen(MaintenanceWindow window, Instant now) {
    return next(window, now).equals(now);
  }
}
