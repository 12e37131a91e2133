package app.photobomb.ops.deletion.messaging;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.messaging.InboxConsumers;
import app.photobomb.ops.deletion.domain.DeletionRequests;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** The service's inbound adapters: each binding hands its messages to the deletion rules. */
@Configuration(proxyBeanMethods = false)
class DeletionConsumers {

  static final String CONSUMER = "deletion-service";

  @Bean
  Consumer<Message<List<byte[]>>> userDeletionRequested(InboxConsumers consumers, DeletionRequests requests) {
    return consumers.of(CONSUMER, MessageCatalog.USER_DELETION_REQUESTED, requests::request);
  }

  @Bean
  Consumer<Message<List<byte[]>>> userDeletionCancelled(InboxConsumers consumers, DeletionRequests requests) {
    return consumers.of(CONSUMER, MessageCatalog.USER_DELETION_CANCELLED, requests::cancel);
  }
}
