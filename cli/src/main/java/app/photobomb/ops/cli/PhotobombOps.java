package app.photobomb.ops.cli;

import app.photobomb.ops.cli.dlq.DlqCommand;
import app.photobomb.ops.cli.status.StatusCommand;
import app.photobomb.ops.cli.task.DeleteUserCommand;
import app.photobomb.ops.cli.task.ExportCommand;
import app.photobomb.ops.cli.task.PurgeCommand;
import app.photobomb.ops.cli.task.ReprocessCommand;
import app.photobomb.ops.cli.task.ResizeDbCommand;
import app.photobomb.ops.cli.task.RestoreCommand;
import app.photobomb.ops.cli.task.RollbackCommand;
import app.photobomb.ops.cli.task.RotateSecretsCommand;
import app.photobomb.ops.cli.task.ScaleCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code photobomb-ops}: the on-call engineer's command line. Each subcommand publishes one command to Kafka, as
 * the photobomb API or another system would, follows its correlation id to the terminal event and exits with a
 * code a script can use ({@link ExitCode}).
 */
@Command(name = "photobomb-ops", mixinStandardHelpOptions = true, version = "photobomb-ops 0.1.0",
    description = "Runs the photobomb runbook's tasks through the photobomb-ops services.",
    subcommands = {CommandLine.HelpCommand.class, ExportCommand.class, DeleteUserCommand.class,
        ReprocessCommand.class, ScaleCommand.class, PurgeCommand.class, RestoreCommand.class,
        RotateSecretsCommand.class, RollbackCommand.class, ResizeDbCommand.class, StatusCommand.class,
        DlqCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:completed", "1:the task failed (its reason is printed)", "2:bad input, nothing published",
        "3:no terminal event within --wait"})
public final class PhotobombOps {

  public static void main(String[] args) {
    QuietLogging.apply();
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code (tests call this instead of main). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** Runs one command line writing to the given streams (tests read what it printed). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return commandLine().setOut(out).setErr(err).execute(args);
  }

  static CommandLine commandLine() {
    return new CommandLine(new PhotobombOps())
        // the help quotes the runbook's commands: wide enough to keep each on one line
        .setUsageHelpWidth(120)
        .setExitCodeExceptionMapper(ExitCode::of)
        // one line, not a stack trace: bad input (2) or what went wrong on the way (1)
        .setExecutionExceptionHandler((e, commandLine, parsed) -> {
          commandLine.getErr().println(e.getMessage());
          commandLine.getErr().flush();
          return ExitCode.of(e);
        })
        .setParameterExceptionHandler((e, args) -> {
          e.getCommandLine().getErr().println(e.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(e, e.getCommandLine().getErr());
          e.getCommandLine().usage(e.getCommandLine().getErr());
          return ExitCode.BAD_INPUT;
        });
  }
}
