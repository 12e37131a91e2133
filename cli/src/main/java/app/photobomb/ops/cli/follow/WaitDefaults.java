package app.photobomb.ops.cli.follow;

import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Each task's default {@code --wait}, from the runbook's times where it gives one: an export 5-30 minutes, a restore
 * 30-60 minutes, a reprocessing of 10k photos about 2 hours; the help text shows it.
 */
public final class WaitDefaults implements IDefaultValueProvider {

  private static final Map<String, String> BY_COMMAND = Map.of(
      "export", "30m",
      "delete-user", "1h",
      "reprocess", "3h",
      "scale", "2m",
      "purge", "15m",
      "restore", "2h",
      "rotate-secrets", "30m",
      "rollback", "30m",
      "resize-db", "1h");

  @Override
  public String defaultValue(ArgSpec argument) {
    if (argument instanceof OptionSpec option && option.longestName().equals("--wait")) {
      return BY_COMMAND.get(argument.command().name());
    }
    return null;
  }
}
