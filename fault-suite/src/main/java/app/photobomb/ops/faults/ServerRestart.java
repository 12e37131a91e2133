package app.photobomb.ops.faults;

import java.time.Duration;

/**
 * A restart of one of the servers every service leans on (the Kafka broker, PostgreSQL, Redis), down for a few
 * seconds on its own data and port: clients lose their connections and must find the server again by themselves.
 */
final class ServerRestart implements Fault {

  private final String name;
  private final Runnable stop;
  private final Runnable start;
  private final Duration down;

  private ServerRestart(String name, Runnable stop, Runnable start, Duration down) {
    this.name = name;
    this.stop = stop;
    this.start = start;
    this.down = down;
  }

  static ServerRestart kafka(SuiteServers servers, Duration down) {
    return new ServerRestart("Kafka broker restart", servers::stopKafka, servers::startKafka, down);
  }

  static ServerRestart postgres(SuiteServers servers, Duration down) {
    return new ServerRestart("PostgreSQL restart", servers::stopPostgres, servers::startPostgres, down);
  }

  static ServerRestart redis(SuiteServers servers, Duration down) {
    return new ServerRestart("Redis restart", servers::stopRedis, servers::startRedis, down);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int injectionsPerRound(FaultSettings settings) {
    return settings.injections();
  }

  @Override
  public void inject(int injection, Runnable whileBroken) throws InterruptedException {
    stop.run();
    Waves.during(whileBroken, () -> {
      Thread.sleep(down.toMillis());
      start.run();
    });
  }
}
