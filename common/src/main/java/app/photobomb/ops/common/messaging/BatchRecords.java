package app.photobomb.ops.common.messaging;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;

/** Splits a batch delivered by the Kafka binder (payloads in a list, headers as parallel lists) into records. */
final class BatchRecords {

  private BatchRecords() {
  }

  static List<InboundMessage> split(Message<List<byte[]>> batch) {
    MessageHeaders headers = batch.getHeaders();
    // A tombstone (null value) arrives as a non-byte[] placeholder; it becomes a null payload, then a reject.
    List<?> payloads = batch.getPayload();
    List<?> topics = list(headers, KafkaHeaders.RECEIVED_TOPIC);
    List<?> partitions = list(headers, KafkaHeaders.RECEIVED_PARTITION);
    List<?> offsets = list(headers, KafkaHeaders.OFFSET);
    List<?> keys = list(headers, KafkaHeaders.RECEIVED_KEY);
    List<?> recordHeaders = list(headers, KafkaHeaders.BATCH_CONVERTED_HEADERS);
    List<InboundMessage> records = new ArrayList<>(payloads.size());
    for (int i = 0; i < payloads.size(); i++) {
      records.add(new InboundMessage(
          String.valueOf(at(topics, i)),
          at(partitions, i) instanceof Number n ? n.intValue() : -1,
          at(offsets, i) instanceof Number n ? n.longValue() : -1,
          text(at(keys, i)),
          headers(at(recordHeaders, i)),
          payloads.get(i) instanceof byte[] bytes ? bytes : null));
    }
    return records;
  }

  private static List<?> list(MessageHeaders headers, String name) {
    return headers.get(name) instanceof List<?> values ? values : List.of();
  }

  private static Object at(List<?> values, int index) {
    return index < values.size() ? values.get(index) : null;
  }

  /** The record's Kafka headers: as they came (RawHeadersMapper), or made again from another mapper's map. */
  private static Headers headers(Object converted) {
    if (converted instanceof Map<?, ?> map && map.get(RawHeadersMapper.RECORD_HEADERS) instanceof Headers own) {
      return own;
    }
    RecordHeaders result = new RecordHeaders();
    if (converted instanceof Map<?, ?> map) {
      map.forEach((name, value) -> {
        if (value instanceof byte[] bytes) {
          result.add(String.valueOf(name), bytes);
        } else if (value != null) {
          result.add(String.valueOf(name), value.toString().getBytes(StandardCharsets.UTF_8));
        }
      });
    }
    return result;
  }

  static String text(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return value.toString();
  }
}
