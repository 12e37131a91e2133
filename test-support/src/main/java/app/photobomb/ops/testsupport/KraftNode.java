package app.photobomb.ops.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One Kafka node in KRaft mode (broker and controller in this JVM), as {@code kafka-server-start.sh} runs it, with
 * its log directory kept: topics, consumer offsets and the relay's offsets survive a restart (of the local stack, or
 * of the broker alone in the fault suite, on the same port).
 * The directory is formatted on first use only.
 */
public final class KraftNode implements AutoCloseable {

  private static final String LOOPBACK = "127.0.0.1";

  private final KafkaRaftServer server;
  private final String bootstrapServers;

  private KraftNode(KafkaRaftServer server, String bootstrapServers) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  /** Starts the node on {@code port} (0: any free port), keeping its data in {@code logDirectory}. */
  public static KraftNode start(Path logDirectory, int port) {
    try {
      Files.createDirectories(logDirectory);
      int brokerPort = port == 0 ? freePort() : port;
      // The controller's port may change from run to run: a static voter set is read from the configuration.
      int controllerPort = freePort();
      Properties config = config(logDirectory, brokerPort, controllerPort);
      format(logDirectory);
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
      server.startup();
      return new KraftNode(server, LOOPBACK + ":" + brokerPort);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Kafka in " + logDirectory, e);
    }
  }

  private static Properties config(Path logDirectory, int brokerPort, int controllerPort) {
    Properties config = new Properties();
    config.setProperty("process.roles", "broker,controller");
    config.setProperty("node.id", "1");
    config.setProperty("controller.quorum.voters", "1@" + LOOPBACK + ":" + controllerPort);
    config.setProperty("listeners", "PLAINTEXT://" + LOOPBACK + ":" + brokerPort + ",CONTROLLER://" + LOOPBACK + ":"
        + controllerPort);
    config.setProperty("advertised.listeners", "PLAINTEXT://" + LOOPBACK + ":" + brokerPort);
    config.setProperty("controller.listener.names", "CONTROLLER");
    config.setProperty("inter.broker.listener.name", "PLAINTEXT");
    config.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    config.setProperty("log.dirs", logDirectory.toString());
    config.setProperty("auto.create.topics.enable", "true");
    config.setProperty("num.partitions", "2");
    config.setProperty("offsets.topic.replication.factor", "1");
    config.setProperty("offsets.topic.num.partitions", "10");
    config.setProperty("transaction.state.log.replication.factor", "1");
    config.setProperty("transaction.state.log.min.isr", "1");
    config.setProperty("share.coordinator.state.topic.replication.factor", "1");
    config.setProperty("share.coordinator.state.topic.min.isr", "1");
    config.setProperty("group.initial.rebalance.delay.ms", "0");
    return config;
  }

  /** Writes meta.properties and the bootstrap metadata once; a formatted directory is left as it is. */
  private static void format(Path logDirectory) throws IOException {
    if (Files.exists(logDirectory.resolve("meta.properties"))) {
      return;
    }
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(1)
          .setClusterId(Uuid.randomUuid().toString())
          .setControllerListenerName("CONTROLLER")
          .setDirectories(List.of(logDirectory.toString()))
          .setMetadataLogDirectory(logDirectory.toString())
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setIgnoreFormatted(true)
          .run();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot format Kafka's log directory " + logDirectory, e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
