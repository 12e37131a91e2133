package app.photobomb.ops.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where the CLI connects: the options, else environment variables, else the running local stack's endpoints file
 * ({@code $PHOTOBOMB_LOCAL_DIR/photobomb-local.properties}). Kafka client settings such as SASL and TLS pass
 * through unchanged ({@code --kafka-property security.protocol=SASL_SSL} or a client properties file).
 */
public final class Connection {

  static final String ENDPOINTS_FILE = "photobomb-local.properties";

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
      description = "Kafka (env PHOTOBOMB_KAFKA_BOOTSTRAP_SERVERS; default: the local stack's)")
  String bootstrapServers;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
      description = "a Kafka client setting, e.g. security.protocol=SASL_SSL, sasl.jaas.config=...")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "a Kafka client properties file (env PHOTOBOMB_KAFKA_CONFIG), e.g. with SASL/TLS settings")
  Path kafkaConfig;

  @Option(names = "--jdbc-url", paramLabel = "URL",
      description = "the photobomb database, for status (env PHOTOBOMB_JDBC_URL; default: the local stack's)")
  String jdbcUrl;

  @Option(names = "--jdbc-user", description = "env PHOTOBOMB_JDBC_USER")
  String jdbcUser;

  @Option(names = "--jdbc-password", description = "env PHOTOBOMB_JDBC_PASSWORD", arity = "0..1",
      interactive = true)
  String jdbcPassword;

  @Option(names = "--topic-prefix", description = "prefix of every topic on a shared cluster "
      + "(env PHOTOBOMB_MESSAGING_TOPIC_PREFIX)")
  String topicPrefix;

  /** Kafka client settings: the config file, the --kafka-property options, then the bootstrap servers. */
  public Properties kafka() {
    Properties properties = new Properties();
    Path file = kafkaConfig != null ? kafkaConfig : pathFromEnv("PHOTOBOMB_KAFKA_CONFIG");
    if (file != null) {
      properties.putAll(load(file));
    }
    properties.putAll(kafkaProperties);
    properties.put("bootstrap.servers", bootstrapServers());
    return properties;
  }

  public String bootstrapServers() {
    return first(bootstrapServers, "PHOTOBOMB_KAFKA_BOOTSTRAP_SERVERS", "kafka.bootstrap.servers");
  }

  public String jdbcUrl() {
    return first(jdbcUrl, "PHOTOBOMB_JDBC_URL", "jdbc.url");
  }

  public String jdbcUser() {
    return first(jdbcUser, "PHOTOBOMB_JDBC_USER", "jdbc.user");
  }

  public String jdbcPassword() {
    return first(jdbcPassword, "PHOTOBOMB_JDBC_PASSWORD", "jdbc.password");
  }

  public String topicPrefix() {
    String value = topicPrefix != null ? topicPrefix : System.getenv("PHOTOBOMB_MESSAGING_TOPIC_PREFIX");
    return value == null ? "" : value;
  }

  /** A service's base URL from the endpoints file ({@code <service>.url}), or null when unknown. */
  public String serviceUrl(String serviceName) {
    String fromEnv = System.getenv(serviceName.toUpperCase().replace('-', '_') + "_URL");
    return fromEnv != null ? fromEnv : localEndpoints().getProperty(serviceName + ".url");
  }

  /** Every entry of the local stack's endpoints file (empty when no stack runs). */
  public Properties localEndpoints() {
    Path file = Path.of(System.getenv().getOrDefault("PHOTOBOMB_LOCAL_DIR", ".local"), ENDPOINTS_FILE);
    return Files.isReadable(file) ? load(file) : new Properties();
  }

  private String first(String option, String env, String endpointKey) {
    if (option != null) {
      return option;
    }
    String fromEnv = System.getenv(env);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    String local = localEndpoints().getProperty(endpointKey);
    if (local == null) {
      throw new ExitCode.BadInputException("no " + endpointKey + ": give the option, set " + env
          + ", or start the local stack (its endpoints file is $PHOTOBOMB_LOCAL_DIR/" + ENDPOINTS_FILE + ")");
    }
    return local;
  }

  private static Path pathFromEnv(String name) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? null : Path.of(value);
  }

  private static Properties load(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ExitCode.BadInputException("cannot read " + file + ": " + e.getMessage());
    }
    return properties;
  }
}
