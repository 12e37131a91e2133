package app.photobomb.ops.cli.dlq;

import app.photobomb.ops.cli.ExitCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dlq}: the dead letters of a topic, and their replay once the cause is fixed. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
    description = "Lists a topic's dead letters (<topic>.dlq) and replays them to the topic once the cause is fixed.",
    subcommands = {DlqListCommand.class, DlqReplayCommand.class})
public final class DlqCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** {@code dlq} alone: which of list and replay was meant is not known. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.BAD_INPUT;
  }
}
