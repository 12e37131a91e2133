package app.photobomb.ops.common.audit;

import app.photobomb.ops.common.messaging.MessagingAutoConfiguration;
import app.photobomb.ops.common.messaging.PayloadCodec;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/** Makes the audit-log writer available to every service. */
@AutoConfiguration(after = MessagingAutoConfiguration.class)
public class AuditAutoConfiguration {

  @Bean
  AuditLog auditLog(JdbcTemplate jdbc, PayloadCodec codec) {
    return new AuditLog(jdbc, codec);
  }
}
