package app.photobomb.ops.common.messaging;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** One raw record of a consumed batch: where it came from, its key, headers and payload bytes. */
public record InboundMessage(String topic, int partition, long offset, String key, Headers headers,
    byte[] payload) {

  /** The last value of a header as UTF-8 text, or null. */
  public String header(String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
