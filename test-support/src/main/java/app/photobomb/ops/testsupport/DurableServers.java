package app.photobomb.ops.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * PostgreSQL (zonky's Maven-shipped binaries, logical WAL for the relay) and Redis as the local stack and the fault
 * suite run them, each with its data in a directory that outlives the process: PostgreSQL with durable commits,
 * Redis with an append-only file, so a restart (or the next run) finds what was committed and queued. Tests of the
 * modules keep the throwaway servers of {@link EmbeddedServers}.
 */
public final class DurableServers {

  private static final Logger log = LoggerFactory.getLogger(DurableServers.class);
  public static final String LOOPBACK = "127.0.0.1";

  private DurableServers() {
  }

  /** PostgreSQL on {@code port} (0: any free port) with its data directory {@code dataDirectory}. */
  public static EmbeddedPostgres startPostgres(Path dataDirectory, int port) {
    LeftoverProcess.stopIfRunning(dataDirectory.resolve("postmaster.pid"), "postgres");
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setServerConfig("wal_level", "logical")
          .setServerConfig("max_wal_senders", "20")
          .setServerConfig("max_replication_slots", "20")
          .setServerConfig("max_connections", "200")
          // Local data is meant to survive a crash of the stack or of the machine.
          .setServerConfig("synchronous_commit", "on")
          .setPGStartupWait(Duration.ofSeconds(60))
          // The stack stops PostgreSQL itself, after the services; a hook of its own would race them.
          .setRegisterShutdownHook(false)
          .setDataDirectory(dataDirectory)
          .setCleanDataDirectory(false);
      if (port != 0) {
        builder.setPort(port);
      }
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL in " + dataDirectory, e);
    }
  }

  /** Redis on {@code port}, its append-only file and pid file in {@code directory}. */
  public static RedisServer startRedis(Path directory, int port) {
    Path pidFile = directory.resolve("redis.pid");
    LeftoverProcess.stopIfRunning(pidFile, "redis");
    try {
      Files.createDirectories(directory);
      Logger output = LoggerFactory.getLogger("redis.server");
      RedisServer redis = RedisServer.newRedisServer().port(port).bind(LOOPBACK)
          .setting("dir \"" + directory + "\"")
          .setting("pidfile \"" + pidFile + "\"")
          .setting("appendonly yes")
          .setting("save \"\"")
          .onShutdownForceStop(false)
          .soutListener(output::info)
          .serrListener(output::warn)
          .build();
      redis.start();
      return redis;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Redis in " + directory, e);
    }
  }

  public static ServerEndpoints endpoints(String kafkaBootstrapServers, EmbeddedPostgres postgres, int redisPort) {
    return new ServerEndpoints(kafkaBootstrapServers, LOOPBACK, postgres.getPort(), "postgres", "postgres", LOOPBACK,
        redisPort);
  }

  public static void stopRedis(RedisServer redis) {
    try {
      redis.stop();
    } catch (IOException e) {
      log.warn("redis did not stop cleanly", e);
    }
  }

  /** The port itself, or for 0 one that is free now. */
  public static int portOrFree(int port) {
    if (port != 0) {
      return port;
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
