package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.audit.AuditLog;
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
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.support.SimpleKafkaHeaderMapper;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

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
    return new DeadLetterPublisher(new DefaultKafkaProducerFactory<>(config), properties.deadLetterTimeout());
  }

  @Bean
  InboxConsumers inboxConsumers(PayloadCodec codec, Inbox inbox, Outbox outbox, DeadLetterPublisher deadLetters,
      PlatformTransactionManager transactionManager, MessagingProperties properties, AuditLog auditLog,
      ObjectProvider<MeterRegistry> meterRegistry) {
    return new InboxConsumers(new MessagingRuntime(codec, inbox, outbox, deadLetters,
        new TransactionTemplate(transactionManager), properties.maxAttempts(),
        new SourcePolicy(properties.commandSources(), properties.serviceSources()), auditLog,
        meterRegistry.getIfAvailable(SimpleMeterRegistry::new)));
  }

  /**
   * Hands record headers to the core as the record's own: the core reads CloudEvents headers itself, so the
   * binder's per-header JSON type inference and copying are work for nothing on every record.
   */
  @Bean(MessagingProperties.HEADER_MAPPER)
  SimpleKafkaHeaderMapper photobombHeaderMapper() {
    return new RawHeadersMapper();
  }

  /**
   * Gives every container of the binder Spring Kafka's DefaultErrorHandler, which redelivers from the record a
   * consumer names in a BatchListenerFailedException after the backoff its failure calls for.
   */
  @Bean
  ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>> photobombErrorHandler(
      MessagingProperties properties) {
    return (container, destination, group) -> container.setCommonErrorHandler(
        ConsumerErrorHandler.create(properties));
  }
}
