package app.photobomb.ops.common.messaging;

import java.util.Map;

/** One raw record of a consumed batch: where it came from, its key, headers (as text) and payload bytes. */
public record InboundMessage(String topic, int partition, long offset, String key, Map<String, String> headers,
    byte[] payload) {

  public String header(String name) {
    return headers.get(name);
  }
}
