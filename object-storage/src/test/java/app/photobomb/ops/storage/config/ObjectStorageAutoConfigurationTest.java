package app.photobomb.ops.storage.config;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.storage.local.LocalFileObjectStore;
import app.photobomb.ops.storage.resilience.ResilientObjectStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The stores a service gets are the ones its configuration (environment variables) names. */
class ObjectStorageAutoConfigurationTest {

  @TempDir
  Path root;

  private ApplicationContextRunner runner() {
    // The retry queue only touches the database when a write fails everywhere; none does here.
    JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/unused"));
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ObjectStorageAutoConfiguration.class))
        .withBean(JdbcTemplate.class, () -> jdbc)
        .withPropertyValues("photobomb.storage.local.root=" + root, "photobomb.storage.local.link-secret=0123456789abcdef");
  }

  @Test
  void localStoresByDefault() {
    runner().run(context -> {
      assertThat(context.getBean(ObjectStorageAutoConfiguration.ORIGINALS, ObjectStore.class))
          .isInstanceOf(LocalFileObjectStore.class);
      assertThat(context.getBean(ObjectStorageAutoConfiguration.EXPORTS, ObjectStore.class).provider())
          .isEqualTo("local");
    });
  }

  @Test
  void aFallbackPutsOriginalsBehindTheOutageHandling() {
    runner().withPropertyValues("photobomb.storage.fallback=r2", "photobomb.storage.r2.endpoint=http://127.0.0.1:1",
            "photobomb.storage.r2.access-key-id=id", "photobomb.storage.r2.secret-access-key=secret",
            "photobomb.storage.breaker.failure-threshold=3")
        .run(context -> assertThat(context.getBean(ObjectStorageAutoConfiguration.ORIGINALS, ObjectStore.class))
            .isInstanceOf(ResilientObjectStore.class));
  }

  @Test
  void aFallbackOfTheSameKindAsThePrimaryIsAClearStartupError() {
    runner().withPropertyValues("photobomb.storage.fallback=local").run(context -> assertThat(context)
        .hasFailed().getFailure().rootCause().hasMessageContaining("primary and fallback are both local"));
  }

  @Test
  void anUnknownStoreIsAClearStartupError() {
    runner().withPropertyValues("photobomb.storage.primary=dropbox").run(context -> assertThat(context)
        .hasFailed().getFailure().rootCause().hasMessageContaining("unknown store 'dropbox'"));
  }

  @Test
  void theLocalStoreNeedsALinkSecret() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ObjectStorageAutoConfiguration.class))
        .withBean(JdbcTemplate.class, () -> new JdbcTemplate(new DriverManagerDataSource("jdbc:postgresql://x/y")))
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("PHOTOBOMB_STORAGE_LOCAL_LINK_SECRET"));
  }
}
