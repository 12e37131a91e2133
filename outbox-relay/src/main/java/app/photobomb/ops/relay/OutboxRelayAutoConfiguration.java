package app.photobomb.ops.relay;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/** Runs the embedded outbox relay in a Spring application when {@code photobomb.outbox-relay.enabled=true}. */
@AutoConfiguration
@ConditionalOnProperty(name = "photobomb.outbox-relay.enabled", havingValue = "true")
@EnableConfigurationProperties(OutboxRelayProperties.class)
public class OutboxRelayAutoConfiguration {

  @Bean
  SmartLifecycle outboxRelayLifecycle(OutboxRelayProperties properties, DataSourceProperties dataSource,
      Environment environment) {
    JdbcUrl url = JdbcUrl.parse(dataSource.determineUrl());
    OutboxRelaySettings settings = new OutboxRelaySettings(url.host(), url.port(), url.database(),
        properties.user() != null ? properties.user() : dataSource.determineUsername(),
        properties.user() != null ? properties.password() : dataSource.determinePassword(),
        environment.getRequiredProperty("spring.kafka.bootstrap-servers"), properties.offsetsTopic(),
        properties.offsetsReplicationFactor(), properties.slotName());
    return new RelayLifecycle(settings);
  }

  /**
   * Starts the relay before the message consumers and stops it after them; its start returns once the
   * replication slot exists, so no event the application writes afterwards is missed.
   */
  static final class RelayLifecycle implements SmartLifecycle {

    private final OutboxRelaySettings settings;
    private OutboxRelay relay;

    RelayLifecycle(OutboxRelaySettings settings) {
      this.settings = settings;
    }

    @Override
    public synchronized void start() {
      relay = OutboxRelay.start(settings);
    }

    @Override
    public synchronized void stop() {
      if (relay != null) {
        relay.close();
        relay = null;
      }
    }

    @Override
    public synchronized boolean isRunning() {
      return relay != null;
    }

    @Override
    public int getPhase() {
      return Integer.MIN_VALUE + 1000;
    }
  }
}
