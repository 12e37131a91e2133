package app.photobomb.ops.export.messaging;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.messaging.InboxConsumers;
import app.photobomb.ops.export.domain.ExportRequests;
import app.photobomb.ops.export.jobs.ExportRetention;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** The service's inbound adapters: export requests, and hard deletes whose archives must go. */
@Configuration(proxyBeanMethods = false)
class ExportConsumers {

  static final String CONSUMER = "export-service";

  @Bean
  Consumer<Message<List<byte[]>>> userExportRequested(InboxConsumers consumers, ExportRequests requests) {
    return consumers.of(CONSUMER, MessageCatalog.USER_EXPORT_REQUESTED, requests::request);
  }

  @Bean
  Consumer<Message<List<byte[]>>> userHardDeleted(InboxConsumers consumers, ExportRetention retention) {
    return consumers.of(CONSUMER, MessageCatalog.USER_HARD_DELETED, retention::userHardDeleted);
  }
}
