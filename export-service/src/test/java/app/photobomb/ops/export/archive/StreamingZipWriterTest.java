package app.photobomb.ops.export.archive;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import app.photobomb.ops.export.archive.StreamingZipWriter.Method;
import app.photobomb.ops.export.archive.StreamingZipWriter.Summary;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingZipWriterTest {

  private static final Instant MODIFIED = Instant.parse("2024-05-06T07:08:10Z");
  private static final int ZIP64_END_LOCATOR = 0x07064b50;

  @TempDir
  Path dir;

  @Test
  void storedAndDeflatedEntriesWithUtf8NamesRoundTripThroughZipFile() throws IOException {
    byte[] photo = new byte[300_000];
    new Random(42).nextBytes(photo);
    byte[] json = "{\"name\":\"Zoë\",\"city\":\"東京\"}\n".repeat(5_000).getBytes(UTF_8);
    Path zip = dir.resolve("export.zip");

    Summary summary;
    try (OutputStream file = Files.newOutputStream(zip)) {
      StreamingZipWriter writer = new StreamingZipWriter(file);
      try (OutputStream entry = writer.startEntry("photos/été 🌍.jpg", Method.STORED, MODIFIED)) {
        entry.write(photo);
      }
      try (OutputStream entry = writer.startEntry("données/profil.json", Method.DEFLATED, MODIFIED)) {
        entry.write(json, 0, 1000);
        entry.write(json, 1000, json.length - 1000);
      }
      writer.startEntry("empty.txt", Method.DEFLATED, MODIFIED).close();
      summary = writer.finish();
    }

    assertThat(summary).isEqualTo(new Summary(3, Files.size(zip)));
    try (ZipFile zipFile = new ZipFile(zip.toFile())) {
      assertThat(zipFile.size()).isEqualTo(3);
      assertEntry(zipFile, "photos/été 🌍.jpg", ZipEntry.STORED, photo);
      assertEntry(zipFile, "données/profil.json", ZipEntry.DEFLATED, json);
      assertEntry(zipFile, "empty.txt", ZipEntry.DEFLATED, new byte[0]);
      assertThat(zipFile.getEntry("données/profil.json").getCompressedSize()).isLessThan(json.length / 10);
    }
  }

  @Test
  void moreThan65535EntriesGetTheZip64EndRecord() throws IOException {
    Path zip = dir.resolve("many.zip");
    try (OutputStream file = Files.newOutputStream(zip)) {
      StreamingZipWriter writer = new StreamingZipWriter(file);
      for (int i = 0; i < 70_000; i++) {
        try (OutputStream entry = writer.startEntry("files/" + i + ".txt", Method.STORED, MODIFIED)) {
          entry.write(Integer.toString(i).getBytes(UTF_8));
        }
      }
      assertThat(writer.finish().entries()).isEqualTo(70_000);
    }

    try (RandomAccessFile raw = new RandomAccessFile(zip.toFile(), "r")) {
      raw.seek(raw.length() - 22 - 20);
      assertThat(Integer.reverseBytes(raw.readInt())).isEqualTo(ZIP64_END_LOCATOR);
    }
    try (ZipFile zipFile = new ZipFile(zip.toFile())) {
      assertThat(zipFile.size()).isEqualTo(70_000);
      assertEntry(zipFile, "files/69999.txt", ZipEntry.STORED, "69999".getBytes(UTF_8));
    }
  }

  /** 4.5 GiB of generated data through a file, never held in memory; the entry after it lies beyond 4 GiB. */
  @Tag("huge")
  @Test
  void entryLargerThan4GibibytesRoundTripsThroughZipFile() throws IOException {
    long size = 9L << 29;
    assumeTrue(dir.toFile().getUsableSpace() > size + (1L << 30), "needs 5.5 GiB free in the temp directory");
    byte[] chunk = new byte[1 << 20];
    for (int i = 0; i < chunk.length; i++) {
      chunk[i] = (byte) (i * 31 + (i >>> 8));
    }
    CRC32 written = new CRC32();
    Path zip = dir.resolve("huge.zip");

    try (OutputStream file = new FileOutputStream(zip.toFile())) {
      StreamingZipWriter writer = new StreamingZipWriter(file);
      try (OutputStream entry = writer.startEntry("videos/huge.mp4", Method.STORED, MODIFIED)) {
        for (long done = 0; done < size; done += chunk.length) {
          chunk[0] = (byte) (done >>> 20); // so that no two chunks are alike
          int length = (int) Math.min(chunk.length, size - done);
          written.update(chunk, 0, length);
          entry.write(chunk, 0, length);
        }
      }
      try (OutputStream entry = writer.startEntry("after.txt", Method.DEFLATED, MODIFIED)) {
        entry.write("after".getBytes(UTF_8));
      }
      writer.finish();
    }

    try (ZipFile zipFile = new ZipFile(zip.toFile())) {
      ZipEntry huge = zipFile.getEntry("videos/huge.mp4");
      assertThat(huge.getSize()).isEqualTo(size);
      assertThat(huge.getCompressedSize()).isEqualTo(size);
      assertThat(huge.getCrc()).isEqualTo(written.getValue());
      CRC32 read = new CRC32();
      long length = 0;
      try (InputStream in = zipFile.getInputStream(huge)) {
        for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
          read.update(chunk, 0, n);
          length += n;
        }
      }
      assertThat(length).isEqualTo(size);
      assertThat(read.getValue()).isEqualTo(written.getValue());
      assertEntry(zipFile, "after.txt", ZipEntry.DEFLATED, "after".getBytes(UTF_8));
    }
  }

  @Test
  void hostileNamesAreRejected() throws IOException {
    StreamingZipWriter writer = new StreamingZipWriter(new ByteArrayOutputStream());
    for (String name : new String[] {"../x", "a/../b", "a/..", "/abs", "a\\b", "a\0b", "", "x".repeat(65_536)}) {
      assertThatThrownBy(() -> writer.startEntry(name, Method.STORED, MODIFIED))
          .as("%.20s", name)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> writer.startEntry(null, Method.STORED, MODIFIED))
        .isInstanceOf(IllegalArgumentException.class);
    writer.startEntry("a..b/..c/.../d..", Method.STORED, MODIFIED).close();
    assertThat(writer.finish().entries()).isEqualTo(1);
  }

  @Test
  void finishDoesNotCloseTheCallersStream() throws IOException {
    CloseRecordingStream out = new CloseRecordingStream();
    StreamingZipWriter writer = new StreamingZipWriter(out);
    OutputStream first = writer.startEntry("a.txt", Method.DEFLATED, MODIFIED);
    first.write('a');
    writer.startEntry("b.txt", Method.STORED, MODIFIED).write('b'); // closes a.txt, left open itself

    Summary summary = writer.finish();

    assertThat(out.closed).isFalse();
    assertThat(summary).isEqualTo(new Summary(2, out.size()));
    assertThatThrownBy(() -> first.write('x')).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> writer.startEntry("c.txt", Method.STORED, MODIFIED))
        .isInstanceOf(IllegalStateException.class);
    Path zip = dir.resolve("open.zip");
    Files.write(zip, out.toByteArray());
    try (ZipFile zipFile = new ZipFile(zip.toFile())) {
      assertThat(Collections.list(zipFile.entries())).extracting(ZipEntry::getName).containsExactly("a.txt", "b.txt");
      assertEntry(zipFile, "b.txt", ZipEntry.STORED, "b".getBytes(UTF_8));
    }
  }

  private static void assertEntry(ZipFile zipFile, String name, int method, byte[] content) throws IOException {
    ZipEntry entry = zipFile.getEntry(name);
    assertThat(entry).as(name).isNotNull();
    assertThat(entry.getMethod()).as(name).isEqualTo(method);
    assertThat(entry.getSize()).as(name).isEqualTo(content.length);
    CRC32 crc = new CRC32();
    crc.update(content);
    assertThat(entry.getCrc()).as(name).isEqualTo(crc.getValue());
    assertThat(entry.getLastModifiedTime().toInstant()).as(name).isEqualTo(MODIFIED);
    try (InputStream in = zipFile.getInputStream(entry)) {
      assertThat(in.readAllBytes()).as(name).isEqualTo(content);
    }
  }

  private static final class CloseRecordingStream extends ByteArrayOutputStream {

    boolean closed;

    @Override
    public void close() {
      closed = true;
    }
  }
}
