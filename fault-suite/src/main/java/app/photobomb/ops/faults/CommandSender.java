package app.photobomb.ops.faults;

import app.photobomb.ops.common.events.CachePurgeRequested;
import app.photobomb.ops.common.events.PhotobombMessage;
import app.photobomb.ops.common.events.ReprocessBatch;
import app.photobomb.ops.common.events.UserDeletionCancelled;
import app.photobomb.ops.common.events.UserDeletionRequested;
import app.photobomb.ops.common.events.UserExportRequested;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.testsupport.KafkaTestClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Publishes the load's commands on the wire contract only, as the photobomb API and the CLI do: the command's record
 * as JSON on its topic, keyed by the account (a purge by its id), with CloudEvents binary-mode headers and a correlation id of its own.
 * Remembers every command sent.
 */
final class CommandSender implements AutoCloseable {

  /** The photobomb API, which sends the users' requests. */
  private static final String API = "urn:photobomb:api";
  /** The operators' command line, which sends the forced deletions. */
  private static final String CLI = "urn:photobomb-ops:cli";

  private final KafkaTestClient kafka;
  private final PayloadCodec codec = new PayloadCodec();
  private final List<SentCommand> sent = new CopyOnWriteArrayList<>();

  CommandSender(String bootstrapServers) {
    this.kafka = new KafkaTestClient(bootstrapServers);
  }

  /** An operator's deletion at once, with its reason (legal request). */
  void forcedDeletion(UUID userId) {
    send(CommandKind.FORCED_DELETION, CLI, userId, null, new UserDeletionRequested(userId, "operator:fault-suite",
        "legal request (fault suite)", Instant.now(), true));
  }

  /** A deletion in the grace period, and its cancel right after. */
  void deletionThenCancel(UUID userId) {
    send(CommandKind.DELETION_THEN_CANCELLED, API, userId, null, new UserDeletionRequested(userId, userId.toString(),
        "user asked (fault suite)", Instant.now()));
    send(CommandKind.CANCEL, API, userId, null, new UserDeletionCancelled(userId, userId.toString()));
  }

  void export(UUID userId) {
    UUID exportId = UUID.randomUUID();
    send(CommandKind.EXPORT, API, userId, exportId, new UserExportRequested(exportId, userId, userId.toString()));
  }

  /** A purge of thumbnail URLs, keyed by its purge id, as the API asks for it. */
  void purge(List<String> urls) {
    UUID purgeId = UUID.randomUUID();
    send(CommandKind.PURGE, API, purgeId.toString(), null, null, new CachePurgeRequested(purgeId, urls, List.of(),
        false, false, "api:fault-suite"));
  }

  /** An operator's batch regenerating the thumbnails of one account's photos, keyed by its batch id. */
  void reprocess(UUID userId) {
    UUID batchId = UUID.randomUUID();
    send(CommandKind.REPROCESS, CLI, batchId.toString(), userId, null, new ReprocessBatch(batchId,
        "reprocess_thumbnails", null, List.of(userId), null, null, "operator:fault-suite"));
  }

  private void send(CommandKind kind, String source, UUID userId, UUID exportId, PhotobombMessage payload) {
    send(kind, source, userId.toString(), userId, exportId, payload);
  }

  private void send(CommandKind kind, String source, String key, UUID userId, UUID exportId,
      PhotobombMessage payload) {
    String id = UUID.randomUUID().toString();
    String correlationId = UUID.randomUUID().toString();
    String json = codec.encode(payload);
    kafka.send(kind.command().topic(), key, CloudEventHeaders.forCommand(kind.command(), id, source, key,
        correlationId), json.getBytes(StandardCharsets.UTF_8));
    sent.add(new SentCommand(kind, id, correlationId, key, userId, exportId, json, Instant.now()));
  }

  List<SentCommand> sent() {
    return List.copyOf(sent);
  }

  @Override
  public void close() {
    kafka.close();
  }
}
