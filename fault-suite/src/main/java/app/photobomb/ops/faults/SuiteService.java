package app.photobomb.ops.faults;

import app.photobomb.ops.testsupport.DatabaseRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The services the suite runs, each from its module's packaged jar and connecting with its own role. */
enum SuiteService {
  DELETION("deletion-service", DatabaseRole.DELETION),
  EXPORT("export-service", DatabaseRole.EXPORT),
  CDN("cdn-service", DatabaseRole.CDN),
  REPROCESS("reprocess-service", DatabaseRole.REPROCESS),
  THUMBNAIL_WORKER("thumbnail-worker", DatabaseRole.THUMBNAIL);

  private final String serviceName;
  private final DatabaseRole role;

  SuiteService(String serviceName, DatabaseRole role) {
    this.serviceName = serviceName;
    this.role = role;
  }

  String serviceName() {
    return serviceName;
  }

  DatabaseRole role() {
    return role;
  }

  /** Spring Boot's repackaged jar ({@code <module>/target/<module>-<version>-exec.jar}) from the checkout's root. */
  Path jar() {
    Path target = Path.of(serviceName, "target");
    try (Stream<Path> jars = Files.list(target)) {
      return jars.filter(p -> p.getFileName().toString().endsWith("-exec.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no " + serviceName + " jar in " + target.toAbsolutePath()
              + ": build it first (./mvnw -B -q -DskipTests -pl fault-suite -am package)"));
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("no " + target.toAbsolutePath() + ": run from the checkout's root after "
          + "./mvnw -B -q -DskipTests -pl fault-suite -am package", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
