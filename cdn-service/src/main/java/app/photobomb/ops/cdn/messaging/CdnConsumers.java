package app.photobomb.ops.cdn.messaging;

import app.photobomb.ops.cdn.domain.PurgeRequests;
import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.messaging.InboxConsumers;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** The service's inbound adapters: purge requests, and regenerated thumbnails whose old copies must go. */
@Configuration(proxyBeanMethods = false)
class CdnConsumers {

  static final String CONSUMER = "cdn-service";

  @Bean
  Consumer<Message<List<byte[]>>> cachePurgeRequested(InboxConsumers consumers, PurgeRequests requests) {
    return consumers.of(CONSUMER, MessageCatalog.CACHE_PURGE_REQUESTED, requests::request);
  }

  @Bean
  Consumer<Message<List<byte[]>>> thumbnailsRegenerated(InboxConsumers consumers, PurgeRequests requests) {
    return consumers.of(CONSUMER, MessageCatalog.THUMBNAILS_REGENERATED, requests::thumbnailsRegenerated);
  }
}
