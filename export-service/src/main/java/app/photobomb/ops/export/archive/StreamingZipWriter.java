package app.photobomb.ops.export.archive;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a ZIP archive (PKWARE APPNOTE 6.3.x) front to back onto a stream that cannot seek, such as a cloud upload.
 *
 * <p>Hand-written because no library streams what a GDPR export holds: {@link java.util.zip.ZipOutputStream} and
 * commons-compress both refuse a STORED entry whose CRC and size are unknown before its data when they cannot seek
 * back, and photos must be STORED since they are already compressed. Here every entry sets general purpose bit 3,
 * so its CRC and sizes follow the data in a data descriptor (with its signature), and bit 11 for UTF-8 names.
 *
 * <p>ZIP64 only where needed, except that sizes are unknown when a local header is written: every local header
 * therefore carries a ZIP64 extra field (sizes 0xFFFFFFFF, meaning "see ZIP64", and 0 in the extra field) so that
 * readers expect the 8-byte sizes every data descriptor holds. The central directory holds a ZIP64 extra field only
 * for the values that overflow 32 bits, and the ZIP64 end records are written only when the entry count, the
 * central directory size or its offset overflow the classic end record.
 *
 * <p>Memory: one serialized central directory record per entry (name, CRC, sizes, offset, time), never entry data;
 * beyond 4 MiB of them they are kept in a temporary file (see {@link SpillingRecords}).
 *
 * <p>Readers: {@link java.util.zip.ZipFile}, Python's zipfile, Info-ZIP unzip and commons-compress read these
 * archives. {@link java.util.zip.ZipInputStream} cannot read STORED entries (it rejects a data descriptor on them),
 * and before JDK 21 it also misreads the 8-byte sizes of a small DEFLATED entry's data descriptor.
 *
 * <p>Times are written as DOS date and time in UTC (the server's zone means nothing to the user) and, exactly, as an
 * extended timestamp (0x5455) in both headers. Entries are marked as made on Unix with mode 0644 (0755 for names
 * ending in '/'), so that unzip extracts readable files. Not thread-safe.
 */
public final class StreamingZipWriter implements AutoCloseable {

  /** How an entry's bytes are stored. */
  public enum Method {
    /** Copied as is: for photos and videos, which are compressed already. */
    STORED(0),
    /** Deflated at the default level: for JSON and other text. */
    DEFLATED(8);

    private final int code;

    Method(int code) {
      this.code = code;
    }
  }

  /** What {@link #finish()} wrote: the number of entries and of archive bytes. */
  public record Summary(long entries, long bytes) {}

  private static final int LOCAL_HEADER = 0x04034b50;
  private static final int DATA_DESCRIPTOR = 0x08074b50;
  private static final int CENTRAL_HEADER = 0x02014b50;
  private static final int ZIP64_END = 0x06064b50;
  private static final int ZIP64_LOCATOR = 0x07064b50;
  private static final int END = 0x06054b50;

  private static final int ZIP64_EXTRA = 0x0001;
  private static final int TIMESTAMP_EXTRA = 0x5455;
  private static final int TIMESTAMP_EXTRA_LENGTH = 9;

  /** Bit 3: CRC and sizes in a data descriptor; bit 11: names are UTF-8. */
  private static final int FLAGS = 1 << 3 | 1 << 11;
  private static final int VERSION_ZIP64 = 45;
  private static final int MADE_BY_UNIX = 3 << 8 | VERSION_ZIP64;
  private static final int FILE_ATTRIBUTES = 0100644 << 16;
  private static final int DIRECTORY_ATTRIBUTES = 040755 << 16 | 0x10;

  private static final long MAX_32 = 0xFFFFFFFFL;
  private static final int MAX_16 = 0xFFFF;
  private static final int BUFFER_SIZE = 64 * 1024;

  private final CountingOutputStream out;
  private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
  private final byte[] deflated = new byte[BUFFER_SIZE];
  private final SpillingRecords centralDirectory;
  private long centralDirectorySize;
  private EntryStream current;
  private boolean finished;

  /** The caller owns {@code out}: it is flushed by {@link #finish()}, never closed. */
  public StreamingZipWriter(OutputStream out) {
    this(out, new SpillingRecords());
  }

  /** As above, keeping central directory records in {@code records} (which this writer closes). */
  StreamingZipWriter(OutputStream out, SpillingRecords records) {
    this.out = new CountingOutputStream(new BufferedOutputStream(Objects.requireNonNull(out, "out"), BUFFER_SIZE));
    this.centralDirectory = records;
  }

  /**
   * Writes the local header of a new entry and returns the stream for its bytes; closing that stream, or calling
   * {@link #closeEntry()}, ends the entry. An entry still open is closed first, as ZipOutputStream does.
   *
   * @param name the caller's sanitized path, '/'-separated; rejected if empty, absolute, with '\', NUL or a ".."
   *     segment, or longer than 65,535 UTF-8 bytes
   */
  public OutputStream startEntry(String name, Method method, Instant modified) throws IOException {
    if (finished) {
      throw new IllegalStateException("finish() was called");
    }
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(modified, "modified");
    byte[] nameBytes = validName(name);
    closeEntry();
    EntryStream entry = new EntryStream(nameBytes, method, modified, out.count());
    out.write(localHeader(entry));
    entry.dataStart = out.count();
    if (method == Method.DEFLATED) {
      deflater.reset();
    }
    current = entry;
    return entry;
  }

  /** Ends the open entry, if any, with its data descriptor; returns its size before compression (0: none open). */
  public long closeEntry() throws IOException {
    EntryStream entry = current;
    if (entry == null) {
      return 0;
    }
    current = null;
    if (entry.method == Method.DEFLATED) {
      deflater.finish();
      while (!deflater.finished()) {
        out.write(deflated, 0, deflater.deflate(deflated));
      }
    }
    entry.compressedSize = out.count() - entry.dataStart;
    out.write(dataDescriptor(entry));
    byte[] record = centralHeader(entry);
    centralDirectory.add(record);
    centralDirectorySize += record.length;
    return entry.size;
  }

  /**
   * Releases the compressor and the kept central directory records; call it when a build is abandoned (after
   * {@link #finish()} it does nothing more). Never closes the caller's stream.
   */
  @Override
  public void close() {
    current = null;
    finished = true;
    deflater.end();
    centralDirectory.close();
  }

  /**
   * Closes any open entry, writes the central directory and end records and flushes, without closing the caller's
   * stream. The writer accepts nothing afterwards.
   */
  public Summary finish() throws IOException {
    if (finished) {
      throw new IllegalStateException("finish() was called");
    }
    closeEntry();
    finished = true;
    deflater.end();
    long entries = centralDirectory.count();
    long centralDirectoryOffset = out.count();
    centralDirectory.forEach(out::write);
    centralDirectory.close();
    if (entries >= MAX_16 || centralDirectorySize >= MAX_32 || centralDirectoryOffset >= MAX_32) {
      long zip64EndOffset = out.count();
      out.write(zip64End(entries, centralDirectorySize, centralDirectoryOffset));
      out.write(zip64Locator(zip64EndOffset));
    }
    out.write(end(entries, centralDirectorySize, centralDirectoryOffset));
    out.flush();
    return new Summary(entries, out.count());
  }

  private static byte[] validName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("entry name is empty");
    }
    if (name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("entry name is absolute or has '\\' or NUL: " + printable(name));
    }
    for (String segment : name.split("/", -1)) {
      if (segment.equals("..")) {
        throw new IllegalArgumentException("entry name has a '..' segment: " + printable(name));
      }
    }
    byte[] bytes;
    try {
      ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(name));
      bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("entry name is not valid Unicode: " + printable(name), e);
    }
    if (bytes.length > MAX_16) {
      throw new IllegalArgumentException("entry name is longer than 65535 UTF-8 bytes");
    }
    return bytes;
  }

  private static String printable(String name) {
    return name.replace("\0", "\\0");
  }

  /** CRC 0, sizes "see ZIP64", and a ZIP64 extra field with sizes 0: the data descriptor tells them. */
  private static byte[] localHeader(EntryStream entry) {
    int extraLength = 4 + 16 + (entry.unixTime != null ? TIMESTAMP_EXTRA_LENGTH : 0);
    ByteBuffer header = littleEndian(30 + entry.name.length + extraLength)
        .putInt(LOCAL_HEADER)
        .putShort((short) VERSION_ZIP64)
        .putShort((short) FLAGS)
        .putShort((short) entry.method.code)
        .putInt(entry.dosTime)
        .putInt(0)
        .putInt((int) MAX_32)
        .putInt((int) MAX_32)
        .putShort((short) entry.name.length)
        .putShort((short) extraLength)
        .put(entry.name)
        .putShort((short) ZIP64_EXTRA)
        .putShort((short) 16)
        .putLong(0)
        .putLong(0);
    putTimestamp(header, entry);
    return header.array();
  }

  /** Always with 8-byte sizes, as the ZIP64 extra field of the local header announces. */
  private static byte[] dataDescriptor(EntryStream entry) {
    return littleEndian(24)
        .putInt(DATA_DESCRIPTOR)
        .putInt((int) entry.crc.getValue())
        .putLong(entry.compressedSize)
        .putLong(entry.size)
        .array();
  }

  /** With a ZIP64 extra field holding, in the order APPNOTE 4.5.3 fixes, only the values that overflow. */
  private static byte[] centralHeader(EntryStream entry) {
    boolean bigSize = entry.size >= MAX_32;
    boolean bigCompressedSize = entry.compressedSize >= MAX_32;
    boolean bigOffset = entry.offset >= MAX_32;
    int zip64Length = 8 * ((bigSize ? 1 : 0) + (bigCompressedSize ? 1 : 0) + (bigOffset ? 1 : 0));
    int extraLength = (zip64Length > 0 ? 4 + zip64Length : 0)
        + (entry.unixTime != null ? TIMESTAMP_EXTRA_LENGTH : 0);
    boolean directory = entry.name[entry.name.length - 1] == '/';
    ByteBuffer header = littleEndian(46 + entry.name.length + extraLength)
        .putInt(CENTRAL_HEADER)
        .putShort((short) MADE_BY_UNIX)
        .putShort((short) VERSION_ZIP64)
        .putShort((short) FLAGS)
        .putShort((short) entry.method.code)
        .putInt(entry.dosTime)
        .putInt((int) entry.crc.getValue())
        .putInt((int) Math.min(entry.compressedSize, MAX_32))
        .putInt((int) Math.min(entry.size, MAX_32))
        .putShort((short) entry.name.length)
        .putShort((short) extraLength)
        .putShort((short) 0) // comment length
        .putShort((short) 0) // disk number
        .putShort((short) 0) // internal attributes
        .putInt(directory ? DIRECTORY_ATTRIBUTES : FILE_ATTRIBUTES)
        .putInt((int) Math.min(entry.offset, MAX_32))
        .put(entry.name);
    if (zip64Length > 0) {
      header.putShort((short) ZIP64_EXTRA).putShort((short) zip64Length);
      if (bigSize) {
        header.putLong(entry.size);
      }
      if (bigCompressedSize) {
        header.putLong(entry.compressedSize);
      }
      if (bigOffset) {
        header.putLong(entry.offset);
      }
    }
    putTimestamp(header, entry);
    return header.array();
  }

  /** Only the modification time, as the central directory form requires. */
  private static void putTimestamp(ByteBuffer header, EntryStream entry) {
    if (entry.unixTime != null) {
      header.putShort((short) TIMESTAMP_EXTRA).putShort((short) 5).put((byte) 1).putInt(entry.unixTime);
    }
  }

  private static byte[] zip64End(long entries, long size, long offset) {
    return littleEndian(56)
        .putInt(ZIP64_END)
        .putLong(56 - 12) // size of the rest of the record
        .putShort((short) MADE_BY_UNIX)
        .putShort((short) VERSION_ZIP64)
        .putInt(0) // this disk
        .putInt(0) // disk with the central directory
        .putLong(entries)
        .putLong(entries)
        .putLong(size)
        .putLong(offset)
        .array();
  }

  private static byte[] zip64Locator(long zip64EndOffset) {
    return littleEndian(20)
        .putInt(ZIP64_LOCATOR)
        .putInt(0) // disk with the ZIP64 end record
        .putLong(zip64EndOffset)
        .putInt(1) // disks
        .array();
  }

  /** Values that overflow are 0xFFFF or 0xFFFFFFFF, telling readers to use the ZIP64 end record. */
  private static byte[] end(long entries, long size, long offset) {
    short count = (short) Math.min(entries, MAX_16);
    return littleEndian(22)
        .putInt(END)
        .putShort((short) 0) // this disk
        .putShort((short) 0) // disk with the central directory
        .putShort(count)
        .putShort(count)
        .putInt((int) Math.min(size, MAX_32))
        .putInt((int) Math.min(offset, MAX_32))
        .putShort((short) 0) // comment length
        .array();
  }

  private static ByteBuffer littleEndian(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** DOS date and time in UTC, clamped to the years DOS can express (1980 to 2107). */
  private static int dosTime(Instant instant) {
    LocalDateTime t = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    if (t.getYear() < 1980) {
      return 1 << 21 | 1 << 16;
    }
    if (t.getYear() > 2107) {
      return 127 << 25 | 12 << 21 | 31 << 16 | 23 << 11 | 59 << 5 | 59 >> 1;
    }
    return (t.getYear() - 1980) << 25 | t.getMonthValue() << 21 | t.getDayOfMonth() << 16
        | t.getHour() << 11 | t.getMinute() << 5 | t.getSecond() >> 1;
  }

  /** The bytes of one entry; its fields become the central directory record when the entry closes. */
  private final class EntryStream extends OutputStream {

    final byte[] name;
    final Method method;
    final int dosTime;
    final Integer unixTime;
    final long offset;
    final CRC32 crc = new CRC32();
    long dataStart;
    long size;
    long compressedSize;
    private final byte[] single = new byte[1];

    EntryStream(byte[] name, Method method, Instant modified, long offset) {
      this.name = name;
      this.method = method;
      this.dosTime = StreamingZipWriter.dosTime(modified);
      long seconds = modified.getEpochSecond();
      this.unixTime = seconds == (int) seconds ? (int) seconds : null;
      this.offset = offset;
    }

    @Override
    public void write(int b) throws IOException {
      single[0] = (byte) b;
      write(single, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (current != this) {
        throw new IOException("entry is closed");
      }
      crc.update(b, off, len);
      size += len;
      if (method == Method.STORED) {
        out.write(b, off, len);
        return;
      }
      deflater.setInput(b, off, len);
      while (!deflater.needsInput()) {
        out.write(deflated, 0, deflater.deflate(deflated));
      }
    }

    /** Flushes what is buffered to the caller's stream; deflated data is not sync-flushed. */
    @Override
    public void flush() throws IOException {
      if (current == this) {
        out.flush();
      }
    }

    @Override
    public void close() throws IOException {
      if (current == this) {
        closeEntry();
      }
    }
  }

  /** Counts the bytes written, for the offsets the central directory records; never closes what it wraps. */
  private static final class CountingOutputStream extends FilterOutputStream {

    private long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    long count() {
      return count;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() {
      throw new UnsupportedOperationException("the caller owns the stream");
    }
  }
}
