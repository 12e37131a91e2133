package app.photobomb.ops.common.messaging;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/** Runs the inbox expiry in every service that has the messaging core. */
@AutoConfiguration(after = MessagingAutoConfiguration.class)
@EnableConfigurationProperties(InboxRetentionProperties.class)
public class InboxExpiryAutoConfiguration {

  @Bean
  InboxExpiry inboxExpiry(JdbcTemplate jdbc, InboxRetentionProperties properties) {
    return new InboxExpiry(jdbc, properties);
  }
}
