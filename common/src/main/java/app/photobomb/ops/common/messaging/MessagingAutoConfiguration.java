package app.photobomb.ops.common.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.SimpleKafkaHeaderMapper;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.backoff.ExponentialBackOff;

/** The messaging core every service gets from {@code common}: codec, inbox, outbox, dead letters, consumers. */
@AutoConfiguration
@EnableConfigurationProperties(MessagingProperties.class)
public class MessagingAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  PayloadCodec payloadCodec() {
    return new PayloadCodec();
  }

  @Bean
  TopicNames topicNames(MessagingProperties properties) {
    return new TopicNames(properties.topicPrefix());
  }

  @Bean
  Inbox inbox(JdbcTemplate jdbc) {
    return new Inbox(jdbc);
  }

  @Bean
  Outbox outbox(JdbcTemplate jdbc, PayloadCodec codec, TopicNames topics, MessagingProperties properties,
      Environment environment, Clock clock) {
    String source = properties.source() != null ? properties.source()
        : "urn:photobomb-ops:" + environment.getProperty("spring.application.name", "unknown");
    return new Outbox(jdbc, codec, topics, source, clock);
  }

  @Bean
  DeadLetterPublisher deadLetterPublisher(KafkaProperties kafka, MessagingProperties properties) {
    Map<String, Object> config = kafka.buildProducerProperties();
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    KafkaTemplate<byte[], byte[]> template = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config));
    return new DeadLetterPublisher(template, properties.deadLetterTimeout());
  }

  @Bean
  InboxConsumers inboxConsumers(PayloadCodec codec, Inbox inbox, Outbox outbox, DeadLetterPublisher deadLetters,
      PlatformTransactionManager transactionManager, MessagingProperties properties,
      ObjectProvider<MeterRegistry> meterRegistry) {
    RetryingExecutor retries = new RetryingExecutor(properties.maxAttempts(), properties.initialBackoff(),
        properties.maxBackoff());
    return new InboxConsumers(new MessagingRuntime(codec, inbox, outbox, deadLetters,
        new TransactionTemplate(transactionManager), retries, meterRegistry.getIfAvailable(SimpleMeterRegistry::new)));
  }

  /**
   * Hands record headers to the core as raw bytes: the core reads CloudEvents headers as UTF-8 text itself, so
   * the binder's per-header JSON type inference is work for nothing on every record.
   */
  @Bean(MessagingProperties.HEADER_MAPPER)
  SimpleKafkaHeaderMapper photobombHeaderMapper() {
    return new SimpleKafkaHeaderMapper();
  }

  /**
   * A batch that fails for want of the database is redelivered until the database is back, with growing
   * pauses, instead of being skipped after a few tries (the container's default).
   */
  @Bean
  ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>> redeliverUntilDatabaseIsBack() {
    return (container, destination, group) -> {
      ExponentialBackOff backOff = new ExponentialBackOff(1_000, 2.0);
      backOff.setMaxInterval(30_000);
      DefaultErrorHandler errorHandler = new DefaultErrorHandler(backOff);
      // Everything that reaches the container is an outage to wait out: records are dead-lettered by the core.
      errorHandler.setClassifications(Map.of(), true);
      container.setCommonErrorHandler(errorHandler);
    };
  }
}
