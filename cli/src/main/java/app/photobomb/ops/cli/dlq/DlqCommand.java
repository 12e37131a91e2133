package app.photobomb.ops.cli.dlq;

import picocli.CommandLine.Command;

/** {@code dlq}: the dead letters of a topic, and their replay once the cause is fixed. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
    description = "Lists a topic's dead letters (<topic>.dlq) and replays them to the topic once the cause is fixed.",
    subcommands = {DlqListCommand.class, DlqReplayCommand.class})
public final class DlqCommand {
}
