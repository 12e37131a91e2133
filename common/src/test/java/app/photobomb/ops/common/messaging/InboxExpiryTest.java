package app.photobomb.ops.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import app.photobomb.ops.testsupport.DatabaseRole;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The inbox expiry as a service runs it: rows past the retention go, in several batches; recent rows stay. */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(classes = MessagingTestApplication.class, properties = "photobomb.messaging.inbox-expiry-interval=200ms")
class InboxExpiryTest {

  private static final String CONSUMER = "inbox-expiry-test";

  @Autowired
  JdbcTemplate jdbc;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, "inbox_expiry", DatabaseRole.SCALING);
    registry.add("photobomb.outbox-relay.enabled", () -> "false");
  }

  @Test
  void rowsOlderThanTheRetentionAreDeletedAndRecentOnesKept() {
    int expired = InboxExpiry.BATCH_SIZE * 2 + 500;
    insert("expired-", expired, "15 days");
    insert("recent-", 20, "13 days");
    insert("fresh-", 20, "0 days");

    await().atMost(Duration.ofSeconds(60)).until(() -> count("expired-") == 0);
    assertThat(count("recent-")).as("handled 13 days ago, within the 14-day default").isEqualTo(20);
    assertThat(count("fresh-")).isEqualTo(20);
  }

  private void insert(String prefix, int rows, String age) {
    jdbc.update("""
        INSERT INTO inbox (consumer, message_source, message_id, message_type, handled_at)
        SELECT ?, 'urn:photobomb:api', ? || g, 'app.photobomb.Test', now() - ?::interval FROM generate_series(1, ?) g""",
        CONSUMER, prefix, age, rows);
  }

  private long count(String prefix) {
    return jdbc.queryForObject("SELECT count(*) FROM inbox WHERE consumer = ? AND message_id LIKE ? || '%'",
        Long.class, CONSUMER, prefix);
  }
}
