package app.photobomb.ops.common.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackgroundSha256Test {

  /** Sizes around the 256 KiB chunk, written in uneven pieces: the same hash as one MessageDigest. */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 262_143, 262_144, 262_145, 3_000_001})
  void sameHashAsADigestOnTheWritersThread(int size) throws Exception {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    BackgroundSha256 background = new BackgroundSha256();
    Random pieces = new Random(7);
    for (int offset = 0; offset < size; ) {
      int length = Math.min(size - offset, 1 + pieces.nextInt(100_000));
      background.update(bytes, offset, length);
      offset += length;
    }

    assertThat(background.hex())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    background.update(bytes, 0, Math.min(size, 10));
    assertThat(background.hex()).as("the next file's hash starts anew").isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOf(bytes, Math.min(size, 10)))));
    background.close();
  }

  /**
   * Many files ended without waiting for their hashes (more bytes in flight than the chunk pool holds, and empty
   * files): each hash is its own file's, in order, and the pool's chunks are reused without mixing files.
   */
  @Test
  void filesEndedWithoutWaitingEachGetTheirOwnHash() throws Exception {
    Random random = new Random(11);
    List<byte[]> files = new ArrayList<>();
    List<CompletableFuture<String>> hashes = new ArrayList<>();
    try (BackgroundSha256 background = new BackgroundSha256()) {
      for (int i = 0; i < 40; i++) {
        byte[] file = new byte[i % 7 == 0 ? 0 : random.nextInt(1_500_000)];
        random.nextBytes(file);
        files.add(file);
        background.update(file, 0, file.length);
        hashes.add(background.digest());
      }
      for (int i = 0; i < files.size(); i++) {
        assertThat(hashes.get(i).get()).as("file %d", i)
            .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(files.get(i))));
      }
    }
  }
}
