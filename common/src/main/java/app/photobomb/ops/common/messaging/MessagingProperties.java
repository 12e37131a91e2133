package app.photobomb.ops.common.messaging;

import java.time.Duration;
import java.util.List;
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
 * @param commandSources ce_sources, besides the services, whose commands are accepted: the photobomb API and
 *     the operators' tools
 * @param serviceSources ce_sources of the photobomb-ops services, whose events (and the commands they send
 *     as part of a flow) are accepted; an entry ending in {@code *} is a prefix
 */
@ConfigurationProperties("photobomb.messaging")
public record MessagingProperties(
    @DefaultValue("") String topicPrefix,
    String source,
    @DefaultValue("3") int maxAttempts,
    @DefaultValue("200ms") Duration initialBackoff,
    @DefaultValue("2s") Duration maxBackoff,
    @DefaultValue("30s") Duration deadLetterTimeout,
    @DefaultValue({"urn:photobomb:api", "urn:photobomb-ops:cli", "urn:photobomb-ops:local-stack-cli"})
    List<String> commandSources,
    @DefaultValue("urn:photobomb-ops:*") List<String> serviceSources) {

  /** Bean name of the header mapper the binder is told to use (spring.cloud.stream.kafka.binder.header-mapper-bean-name). */
  public static final String HEADER_MAPPER = "photobombHeaderMapper";

  public MessagingProperties {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("photobomb.messaging.max-attempts must be at least 1");
    }
  }
}
