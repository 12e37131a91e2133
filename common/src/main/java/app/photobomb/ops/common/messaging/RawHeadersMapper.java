package app.photobomb.ops.common.messaging;

import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.springframework.kafka.support.SimpleKafkaHeaderMapper;

/**
 * Hands each consumed record's Kafka headers to the core as they are, under one key: the core reads the
 * CloudEvents headers itself, so copying every header into a map of its own per record (what a header mapper
 * does, with a pattern match per header) is work for nothing. Outbound mapping is Spring's plain one.
 */
final class RawHeadersMapper extends SimpleKafkaHeaderMapper {

  /** The key of a record's converted headers under which its {@link Headers} are. */
  static final String RECORD_HEADERS = "photobomb_record_headers";

  @Override
  public void toHeaders(Headers source, Map<String, Object> target) {
    target.put(RECORD_HEADERS, source);
  }
}
