package app.photobomb.ops.scaling.messaging;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.messaging.InboxConsumers;
import app.photobomb.ops.scaling.domain.Scaler;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** The service's inbound adapters: backlog facts (its own monitor's and other systems') and manual requests. */
@Configuration(proxyBeanMethods = false)
class ScalingConsumers {

  static final String CONSUMER = "scaling-service";

  @Bean
  Consumer<Message<List<byte[]>>> queueBacklogDetected(InboxConsumers consumers, Scaler scaler) {
    return consumers.of(CONSUMER, MessageCatalog.QUEUE_BACKLOG_DETECTED, scaler::backlogDetected);
  }

  @Bean
  Consumer<Message<List<byte[]>>> queueBacklogCleared(InboxConsumers consumers, Scaler scaler) {
    return consumers.of(CONSUMER, MessageCatalog.QUEUE_BACKLOG_CLEARED, scaler::backlogCleared);
  }

  @Bean
  Consumer<Message<List<byte[]>>> scaleWorkersRequested(InboxConsumers consumers, Scaler scaler) {
    return consumers.of(CONSUMER, MessageCatalog.SCALE_WORKERS_REQUESTED, scaler::requested);
  }
}
