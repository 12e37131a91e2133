package app.photobomb.ops.common.messaging;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Messaging settings ({@code photobomb.messaging.*}, e.g. {@code PHOTOBOMB_MESSAGING_TOPIC_PREFIX}).
 *
 * @param topicPrefix prefix of every topic, for clusters shared with other systems
 * @param source the ce_source of emitted events; defaults to {@code urn:photobomb-ops:<application name>}
 * @param maxAttempts attempts of a failing handler before its record is dead-lettered
 * @param initialBackoff wait after the first failed attempt, doubled after each further one
 * @param maxBackoff longest wait between attempts
 * @param deadLetterTimeout how long to wait for the broker to take a dead-lettered record
 */
@ConfigurationProperties("photobomb.messaging")
public record MessagingProperties(
    @DefaultValue("") String topicPrefix,
    String source,
    @DefaultValue("3") int maxAttempts,
    @DefaultValue("200ms") Duration initialBackoff,
    @DefaultValue("2s") Duration maxBackoff,
    @DefaultValue("30s") Duration deadLetterTimeout) {

  /** Bean name of the header mapper the binder is told to use (spring.cloud.stream.kafka.binder.header-mapper-bean-name). */
  public static final String HEADER_MAPPER = "photobombHeaderMapper";
}
