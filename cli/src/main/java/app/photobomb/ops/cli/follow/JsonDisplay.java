package app.photobomb.ops.cli.follow;

import app.photobomb.ops.cli.DurationConverter;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.PayloadCodec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --json}: every message of the conversation, the command first, as one JSON line each (topic, type, ce_id,
 * time, payload) on standard output, and nothing else there; a timeout is told on standard error only.
 */
final class JsonDisplay implements Display {

  private final PrintWriter out;
  private final PrintWriter err;
  private final PayloadCodec codec;

  JsonDisplay(PrintWriter out, PrintWriter err, PayloadCodec codec) {
    this.out = out;
    this.err = err;
    this.codec = codec;
  }

  @Override
  public void published(Request request, String topic, Map<String, String> headers, String json) {
    line(topic, headers.get(CloudEventHeaders.TYPE), headers.get(CloudEventHeaders.ID),
        headers.get(CloudEventHeaders.TIME), json);
  }

  @Override
  public void heard(HeardEvent event) {
    line(event.topic(), event.type(), event.id(), event.time(), event.json());
  }

  @Override
  public void notFollowed(String correlationId) {
  }

  @Override
  public void timedOut(Duration wait, String correlationId) {
    err.println("no terminal event within " + DurationConverter.format(wait) + " (correlation id " + correlationId + ")");
    err.flush();
  }

  private void line(String topic, String type, String id, String time, String json) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("topic", topic);
    line.put("type", type);
    line.put("ce_id", id);
    line.put("time", time);
    line.put("payload", codec.readTree(json));
    out.println(codec.toJson(line));
    out.flush();
  }

  @Override
  public void close() {
  }
}
