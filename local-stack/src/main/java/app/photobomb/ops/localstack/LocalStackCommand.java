package app.photobomb.ops.localstack;

import app.photobomb.ops.localstack.LocalDirectory.LocalDirectoryRefusedException;
import java.io.PrintStream;
import java.util.List;

/**
 * The run command's options: {@code [--reset] [--verbose] [--demo-photos N]}, and {@code reset} alone to delete the
 * local directory without starting. Without options the stack carries on with the state of its last run.
 */
final class LocalStackCommand {

  private static final String USAGE = """
      usage: java -jar local-stack/target/local-stack.jar [--reset] [--verbose] [--demo-photos N]
             java -jar local-stack/target/local-stack.jar reset
             java -jar local-stack/target/local-stack.jar send <topic> '<json>'
        --reset          delete the local directory (PHOTOBOMB_LOCAL_DIR, default .local) first and start with
                         fresh demo data; only a directory the stack made (it carries a marker file) is deleted
        --verbose        show every component's log on the terminal, not only what the system does
        --demo-photos N  photos of the demo users on a first start or after --reset (default %d)""";

  private LocalStackCommand() {
  }

  /** The parsed options. */
  record Options(boolean reset, boolean startAfterReset, boolean verbose, Integer demoPhotos) {

    static Options parse(List<String> args) {
      boolean reset = false;
      boolean start = true;
      boolean verbose = false;
      Integer photos = null;
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        switch (arg) {
          case "reset" -> {
            reset = true;
            start = false;
          }
          case "--reset" -> reset = true;
          case "--verbose" -> verbose = true;
          case "--demo-photos" -> {
            if (i + 1 == args.size()) {
              throw new IllegalArgumentException("--demo-photos needs a number");
            }
            photos = number(args.get(++i));
          }
          default -> {
            if (arg.startsWith("--demo-photos=")) {
              photos = number(arg.substring("--demo-photos=".length()));
            } else {
              throw new IllegalArgumentException("unknown option " + arg);
            }
          }
        }
      }
      return new Options(reset, start, verbose, photos);
    }

    private static int number(String value) {
      try {
        return Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--demo-photos needs a number, not '" + value + "'", e);
      }
    }
  }

  static void run(String[] args) throws InterruptedException {
    PrintStream err = System.err;
    Options options;
    LocalStackSettings settings;
    try {
      options = Options.parse(List.of(args));
      settings = LocalStackSettings.fromEnvironment(System.getenv());
      if (options.demoPhotos() != null) {
        settings = settings.withDemoPhotos(options.demoPhotos());
      }
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE.formatted(DemoCatalog.DEFAULT_PHOTOS));
      System.exit(2);
      return;
    }
    try {
      if (options.reset()) {
        LocalDirectory.reset(settings.directory());
        err.println("reset: deleted " + settings.directory());
        if (!options.startAfterReset()) {
          return;
        }
      }
      LocalStack.runUntilStopped(settings, options.verbose());
    } catch (LocalDirectoryRefusedException e) {
      err.println(e.getMessage());
      System.exit(1);
    }
  }
}
