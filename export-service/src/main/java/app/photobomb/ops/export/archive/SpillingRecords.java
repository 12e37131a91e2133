package app.photobomb.ops.export.archive;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Small records kept in order and read back once or more, in memory up to a threshold and in a temporary file
 * beyond it: what an archive must remember per file (central directory records, names and hashes for the
 * manifest) then costs a few MiB of heap whatever the number of photos. The temporary file holds these records
 * only, never photo bytes, and is deleted on {@link #close()}.
 */
final class SpillingRecords implements AutoCloseable {

  /** What stays in memory by default before records go to a file. */
  static final int DEFAULT_MEMORY_LIMIT = 4 * 1024 * 1024;

  private final Path directory;
  private final long memoryLimit;
  private ByteArrayOutputStream memory = new ByteArrayOutputStream();
  private Path file;
  private DataOutputStream spill;
  private long count;

  /** Up to {@code memoryLimit} bytes in memory, the rest in a temporary file in {@code directory}. */
  SpillingRecords(Path directory, long memoryLimit) {
    this.directory = directory;
    this.memoryLimit = memoryLimit;
  }

  /** Up to 4 MiB in memory, the rest in the temporary directory. */
  SpillingRecords() {
    this(Path.of(System.getProperty("java.io.tmpdir")), DEFAULT_MEMORY_LIMIT);
  }

  /** Appends one record. */
  void add(byte[] record) {
    try {
      if (spill == null && memory.size() + record.length + 4 > memoryLimit) {
        file = Files.createTempFile(directory, "photobomb-export-records-", ".bin");
        spill = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024));
        memory.writeTo(spill);
        memory = null;
      }
      DataOutputStream target = spill != null ? spill : new DataOutputStream(memory);
      target.writeInt(record.length);
      target.write(record);
      count++;
    } catch (IOException e) {
      throw new UncheckedIOException("keeping an archive record failed", e);
    }
  }

  long count() {
    return count;
  }

  /** Hands every record, in the order added, to {@code each}. */
  void forEach(RecordConsumer each) throws IOException {
    try (Reader reader = reader()) {
      for (byte[] record = reader.next(); record != null; record = reader.next()) {
        each.accept(record);
      }
    }
  }

  /** Reads the records from the first, in the order added. */
  Reader reader() throws IOException {
    InputStream source;
    if (spill != null) {
      spill.flush();
      source = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    } else {
      source = new java.io.ByteArrayInputStream(memory.toByteArray());
    }
    return new Reader(new DataInputStream(source), count);
  }

  /** A pass over the records. */
  static final class Reader implements AutoCloseable {

    private final DataInputStream in;
    private long remaining;

    private Reader(DataInputStream in, long count) {
      this.in = in;
      this.remaining = count;
    }

    /** The next record, or null after the last. */
    byte[] next() throws IOException {
      if (remaining == 0) {
        return null;
      }
      try {
        byte[] record = new byte[in.readInt()];
        in.readFully(record);
        remaining--;
        return record;
      } catch (EOFException e) {
        throw new IOException("archive records ended early", e);
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  @Override
  public void close() {
    try {
      if (spill != null) {
        spill.close();
      }
    } catch (IOException e) {
      // a full disk, most likely; the file goes all the same
    } finally {
      deleteFile();
    }
  }

  private void deleteFile() {
    try {
      if (file != null) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("removing " + file + " failed", e);
    }
  }

  /** Receives one record. */
  @FunctionalInterface
  interface RecordConsumer {
    void accept(byte[] record) throws IOException;
  }

  /** Writes a record's fields; a helper for callers that keep structured records. */
  static byte[] record(FieldWriter fields) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      fields.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Writes the fields of one record. */
  @FunctionalInterface
  interface FieldWriter {
    void write(DataOutputStream out) throws IOException;
  }
}
