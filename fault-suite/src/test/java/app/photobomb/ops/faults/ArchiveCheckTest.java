package app.photobomb.ops.faults;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.UserExportCompleted;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveCheckTest {

  private static final byte[] PHOTO = "the original's bytes".getBytes(StandardCharsets.UTF_8);
  private static final byte[] METADATA = "{\"format\":\"photobomb-export\"}".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path directory;

  private final SeededAccount account = new SeededAccount(UUID.randomUUID(), List.of(new SeededAccount.Photo(
      UUID.randomUUID(), "originals/u/p.jpg", "thumbs/p/256.webp", Accounts.sha256(PHOTO))));

  @Test
  void archiveThatMatchesItsManifestAccountAndEventPasses() throws IOException {
    Path archive = archive(Accounts.sha256(METADATA));

    assertThat(ArchiveCheck.problems(archive, account, completed(archive, 1))).isEmpty();
  }

  @Test
  void manifestHashThatDisagreesWithTheFileIsReported() throws IOException {
    Path archive = archive("0".repeat(64));

    assertThat(ArchiveCheck.problems(archive, account, completed(archive, 1)))
        .anySatisfy(problem -> assertThat(problem).contains("manifest.sha256 lists metadata.json"));
  }

  @Test
  void eventThatCountsOtherPhotosThanTheAccountHasIsReported() throws IOException {
    Path archive = archive(Accounts.sha256(METADATA));

    assertThat(ArchiveCheck.problems(archive, account, completed(archive, 2)))
        .anySatisfy(problem -> assertThat(problem).contains("the event counts 2 photos"));
  }

  private Path archive(String metadataHashInManifest) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("photos/IMG_0.jpg", PHOTO);
    files.put("metadata.json", METADATA);
    files.put("manifest.sha256", (Accounts.sha256(PHOTO) + "  photos/IMG_0.jpg\n" + metadataHashInManifest
        + "  metadata.json\n").getBytes(StandardCharsets.UTF_8));
    Path archive = directory.resolve("export.zip");
    try (OutputStream file = Files.newOutputStream(archive); ZipOutputStream zip = new ZipOutputStream(file)) {
      for (Map.Entry<String, byte[]> entry : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(entry.getKey()));
        zip.write(entry.getValue());
        zip.closeEntry();
      }
    }
    return archive;
  }

  private UserExportCompleted completed(Path archive, long photoCount) throws IOException {
    return new UserExportCompleted(UUID.randomUUID(), account.userId(), "http://127.0.0.1/x", Instant.now(),
        photoCount, Files.size(archive), Accounts.sha256(Files.readAllBytes(archive)));
  }
}
