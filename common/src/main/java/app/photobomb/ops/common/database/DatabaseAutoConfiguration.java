package app.photobomb.ops.common.database;

import org.flywaydb.core.Flyway;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;

/** Gives Spring Boot's Flyway support the two-schema migration order of {@link SchemaMigrationStrategy}. */
@AutoConfiguration(before = FlywayAutoConfiguration.class)
@ConditionalOnClass(Flyway.class)
@EnableConfigurationProperties(DatabaseProperties.class)
public class DatabaseAutoConfiguration {

  @Bean
  FlywayMigrationStrategy schemaMigrationStrategy(DatabaseProperties properties) {
    return new SchemaMigrationStrategy(properties.photobombSchema());
  }
}
