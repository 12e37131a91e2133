package app.photobomb.ops.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Which servers the tests get, from the flag and from whether a Docker engine answers. */
class ServerModeTest {

  @Test
  void embeddedServersByDefault() {
    assertThat(ServerMode.resolve(null, () -> true)).isEqualTo(ServerMode.EMBEDDED);
    assertThat(ServerMode.resolve(" ", () -> true)).isEqualTo(ServerMode.EMBEDDED);
  }

  @Test
  void testcontainersWhenAskedForAndDockerAnswers() {
    assertThat(ServerMode.resolve("testcontainers", () -> true)).isEqualTo(ServerMode.TESTCONTAINERS);
    assertThat(ServerMode.resolve("AUTO", () -> true)).isEqualTo(ServerMode.TESTCONTAINERS);
  }

  @Test
  void askingForTestcontainersWithoutDockerFallsBackToEmbeddedServers() {
    assertThat(ServerMode.resolve("testcontainers", () -> false)).isEqualTo(ServerMode.EMBEDDED);
    assertThat(ServerMode.resolve("auto", () -> false)).isEqualTo(ServerMode.EMBEDDED);
  }

  @Test
  void unknownModeIsAClearError() {
    assertThatThrownBy(() -> ServerMode.resolve("docker", () -> true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("embedded, testcontainers or auto");
  }
}
