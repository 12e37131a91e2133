package app.photobomb.ops.deletion;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.UserDeletionRequested;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.TestCommands;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.storage.b2.FakeB2Server;
import app.photobomb.ops.storage.config.ObjectStorageAutoConfiguration;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.testsupport.ServerEndpoints;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two replicas of the deletion-service on one database and one consumer group, both schedulers running as in
 * production: every account is deleted once, every stored version deleted by one of them only.
 */
@ExtendWith(RealServersExtension.class)
class DeletionReplicasEndToEndTest {

  private static final String DATABASE = "deletion_replicas";
  private static final String ORIGINALS = "photobomb-originals";
  private static final String THUMBNAILS = "photobomb-thumbnails";
  private static final int ACCOUNTS = 12;
  private static final int PHOTOS = 5;

  @TempDir
  Path objects;

  @Test
  void twoReplicasDeleteEachAccountAndEachObjectOnce() throws Exception {
    try (FakeB2Server b2 = new FakeB2Server(Files.createDirectories(objects.resolve("b2"))).start();
        KafkaTestClient kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers())) {
      b2.createBucket(ORIGINALS);
      b2.createBucket(THUMBNAILS);
      try (ConfigurableApplicationContext first = start(b2, true);
          ConfigurableApplicationContext second = start(b2, false)) {
        JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
        ObjectStore store = first.getBean(ObjectStorageAutoConfiguration.ORIGINALS, ObjectStore.class);
        PayloadCodec codec = first.getBean(PayloadCodec.class);
        List<UUID> users = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
          users.add(account(jdbc, store));
        }
        int versions = b2.versionCount();
        int deletesBefore = b2.calls("b2_delete_file_version");

        for (UUID userId : users) {
          kafka.send(MessageCatalog.USER_DELETION_REQUESTED.topic(), userId.toString(),
              TestCommands.headers(MessageCatalog.USER_DELETION_REQUESTED, UUID.randomUUID().toString(),
                  userId.toString(), null),
              codec.encode(new UserDeletionRequested(userId, "support", "gdpr", null)).getBytes(StandardCharsets.UTF_8));
        }
        Set<String> expected = users.stream().map(UUID::toString).collect(Collectors.toSet());
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
            kafka.readAll(MessageCatalog.USER_HARD_DELETED.topic()).stream().map(r -> r.key())
                .filter(expected::contains).distinct().count() == ACCOUNTS);

        // Counted by ce_id: the relay publishes at least once (a send it retries after a restart comes again with
        // the same ce_id, which consumers drop), so two completions are two ce_ids, not two records.
        Map<String, Long> completions = kafka.readAll(MessageCatalog.USER_HARD_DELETED.topic()).stream()
            .filter(r -> expected.contains(r.key()))
            .collect(Collectors.groupingBy(r -> r.key(), Collectors.mapping(
                r -> new String(r.headers().lastHeader(CloudEventHeaders.ID).value(), StandardCharsets.UTF_8),
                Collectors.collectingAndThen(Collectors.toSet(), ids -> (long) ids.size()))));
        assertThat(completions).as("one UserHardDeleted per account").hasSize(ACCOUNTS).allSatisfy(
            (user, count) -> assertThat(count).isOne());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE action = 'account_deleted'",
            Integer.class)).as("each account deleted once").isEqualTo(ACCOUNTS);
        assertThat(b2.versionCount()).as("nothing left in B2").isZero();
        assertThat(b2.calls("b2_delete_file_version") - deletesBefore).as("each version deleted by one replica only")
            .isEqualTo(versions);
        assertThat(jdbc.queryForObject("SELECT sum(objects_deleted) FROM user_deletions", Long.class))
            .isEqualTo(versions);
      }
    }
  }

  private ConfigurableApplicationContext start(FakeB2Server b2, boolean relay) {
    ServerEndpoints endpoints = RealServers.endpoints();
    Map<String, String> settings = new LinkedHashMap<>(b2.originalsStoreSettings(2));
    settings.put("spring.kafka.bootstrap-servers", endpoints.kafkaBootstrapServers());
    settings.put("spring.datasource.url", RealServers.photobombDatabase(DATABASE));
    settings.put("spring.datasource.username", DatabaseRole.DELETION.roleName());
    settings.put("spring.datasource.password", DatabaseRole.DELETION.password());
    settings.put("spring.flyway.user", DatabaseRole.MIGRATOR.roleName());
    settings.put("spring.flyway.password", DatabaseRole.MIGRATOR.password());
    settings.put("photobomb.outbox-relay.user", DatabaseRole.RELAY.roleName());
    settings.put("photobomb.outbox-relay.password", DatabaseRole.RELAY.password());
    settings.put("server.port", "0");
    settings.put("photobomb.storage.local.root", objects.resolve("exports").toString());
    settings.put("photobomb.storage.spool-directory", objects.resolve("spool-" + relay).toString());
    settings.put("photobomb.storage.spool-owner", relay ? "replica-1" : "replica-2");
    settings.put("photobomb.deletion.grace", "0s");
    settings.put("photobomb.deletion.scheduler-interval", "300ms");
    // One relay per database: the second replica only writes the outbox.
    settings.put("photobomb.outbox-relay.enabled", String.valueOf(relay));
    settings.put("photobomb.outbox-relay.slot-name", "outbox_" + DATABASE);
    settings.put("photobomb.outbox-relay.offsets-topic", "outbox-relay-offsets-" + DATABASE);
    // As arguments: they outrank the service's own configuration files, as environment variables do in production.
    return DeletionServiceApplication.application().run(settings.entrySet().stream()
        .map(setting -> "--" + setting.getKey() + "=" + setting.getValue()).toArray(String[]::new));
  }

  /** A user, soft-deleted by nobody yet, with photos whose original and thumbnails are really stored. */
  private static UUID account(JdbcTemplate jdbc, ObjectStore store) {
    UUID userId = UUID.randomUUID();
    jdbc.update("INSERT INTO users (user_id, email) VALUES (?, ?)", userId, userId + "@example.com");
    for (int p = 0; p < PHOTOS; p++) {
      UUID photoId = UUID.randomUUID();
      jdbc.update("""
          INSERT INTO photos (photo_id, user_id, upload_id, original_filename, content_type)
          VALUES (?, ?, ?, 'p.jpg', 'image/jpeg')""", photoId, userId, UUID.randomUUID());
      file(jdbc, store, userId, photoId, "original", ORIGINALS, "originals/" + userId + "/" + photoId + ".jpg");
      for (String size : List.of("256", "512", "1024")) {
        file(jdbc, store, userId, photoId, "thumb_" + size, THUMBNAILS, "thumbs/" + photoId + "/" + size + ".webp");
      }
    }
    return userId;
  }

  private static void file(JdbcTemplate jdbc, ObjectStore store, UUID userId, UUID photoId, String kind, String bucket,
      String key) {
    StoredObject stored = store.put(bucket, key, new ByteArrayInputStream(new byte[100]), 100, "image/jpeg");
    jdbc.update("""
        INSERT INTO photo_files (photo_id, user_id, kind, provider, bucket, object_key, file_id, size_bytes)
        VALUES (?, ?, ?, 'b2', ?, ?, ?, 100)""", photoId, userId, kind, bucket, key, stored.versionId());
  }
}
