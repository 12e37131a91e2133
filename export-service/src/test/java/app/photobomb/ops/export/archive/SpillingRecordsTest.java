package app.photobomb.ops.export.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillingRecordsTest {

  @TempDir
  Path directory;

  @Test
  void recordsBeyondTheMemoryLimitGoToATemporaryFileAndComeBackInOrderTwice() throws IOException {
    List<Long> read = new ArrayList<>();
    try (SpillingRecords records = new SpillingRecords(directory, SpillingRecords.DEFAULT_MEMORY_LIMIT)) {
      for (long i = 0; i < 100_000; i++) {
        records.add(ByteBuffer.allocate(100).putLong(i).array());
      }
      assertThat(files()).as("spilled past 4 MiB").hasSize(1);
      records.forEach(record -> read.add(ByteBuffer.wrap(record).getLong()));
      try (SpillingRecords.Reader again = records.reader()) {
        assertThat(ByteBuffer.wrap(again.next()).getLong()).isZero();
      }
      assertThat(records.count()).isEqualTo(100_000);
    }
    assertThat(read).hasSize(100_000).isSorted().startsWith(0L, 1L, 2L).endsWith(99_999L);
    assertThat(files()).as("deleted on close").isEmpty();
  }

  @Test
  void fewRecordsStayInMemory() throws IOException {
    try (SpillingRecords records = new SpillingRecords(directory, SpillingRecords.DEFAULT_MEMORY_LIMIT)) {
      records.add(new byte[] {1, 2, 3});
      records.add(new byte[0]);
      List<byte[]> read = new ArrayList<>();
      records.forEach(read::add);
      assertThat(read).containsExactly(new byte[] {1, 2, 3}, new byte[0]);
      assertThat(files()).isEmpty();
    }
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    }
  }
}
