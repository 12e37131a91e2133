package app.photobomb.ops.platform.messaging;

import app.photobomb.ops.common.messaging.InboxConsumers;
import app.photobomb.ops.platform.resize.DatabaseResizeSaga;
import app.photobomb.ops.platform.rollback.DeploymentRollbackSaga;
import app.photobomb.ops.platform.restore.BackupRestoreSaga;
import app.photobomb.ops.platform.rotation.SecretRotationSaga;
import app.photobomb.ops.platform.saga.PlatformCommands;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** The service's inbound adapters: one command per saga, each answered with its plan. */
@Configuration(proxyBeanMethods = false)
class PlatformConsumers {

  static final String CONSUMER = "platform-service";

  @Bean
  Consumer<Message<List<byte[]>>> databaseResizeRequested(InboxConsumers consumers, PlatformCommands commands,
      DatabaseResizeSaga saga) {
    return consumers.of(CONSUMER, saga.commandType(), commands.handlerOf(saga));
  }

  @Bean
  Consumer<Message<List<byte[]>>> deploymentRollbackRequested(InboxConsumers consumers, PlatformCommands commands,
      DeploymentRollbackSaga saga) {
    return consumers.of(CONSUMER, saga.commandType(), commands.handlerOf(saga));
  }

  @Bean
  Consumer<Message<List<byte[]>>> backupRestoreRequested(InboxConsumers consumers, PlatformCommands commands,
      BackupRestoreSaga saga) {
    return consumers.of(CONSUMER, saga.commandType(), commands.handlerOf(saga));
  }

  @Bean
  Consumer<Message<List<byte[]>>> secretRotationRequested(InboxConsumers consumers, PlatformCommands commands,
      SecretRotationSaga saga) {
    return consumers.of(CONSUMER, saga.commandType(), commands.handlerOf(saga));
  }
}
