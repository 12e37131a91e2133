package app.photobomb.ops.reprocess.messaging;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.messaging.InboxConsumers;
import app.photobomb.ops.reprocess.domain.ReprocessRequests;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** The service's inbound adapters: each binding hands its messages to the batch rules. */
@Configuration(proxyBeanMethods = false)
class ReprocessConsumers {

  static final String CONSUMER = "reprocess-service";

  @Bean
  Consumer<Message<List<byte[]>>> reprocessBatch(InboxConsumers consumers, ReprocessRequests requests) {
    return consumers.of(CONSUMER, MessageCatalog.REPROCESS_BATCH, requests::request);
  }

  @Bean
  Consumer<Message<List<byte[]>>> reprocessBatchCancelled(InboxConsumers consumers, ReprocessRequests requests) {
    return consumers.of(CONSUMER, MessageCatalog.REPROCESS_BATCH_CANCELLED, requests::cancel);
  }
}
