package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PhotobombMessage;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.networknt.schema.Error;
import com.networknt.schema.OutputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns payloads into JSON and back, checking each inbound payload against its message's JSON Schema.
 * Unknown fields are accepted (schemas evolve additively); absent optional fields are not written, and read as
 * null, or false / 0 for a primitive.
 */
public final class PayloadCodec {

  private final JsonMapper mapper = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // an optional boolean or number left out is false / 0 (the schema says which fields are required)
      .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
      .build();
  private final Map<MessageType<?>, Schema> schemas;

  public PayloadCodec() {
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    this.schemas = MessageCatalog.ALL.stream()
        .collect(Collectors.toUnmodifiableMap(Function.identity(), type -> load(registry, type)));
  }

  /** Parses, validates and binds a payload; a bad payload is a {@link RejectedMessageException}. */
  public <T extends PhotobombMessage> T decode(MessageType<T> type, byte[] payload) {
    if (payload == null || payload.length == 0) {
      throw new RejectedMessageException("malformed_json", "payload is empty");
    }
    JsonNode tree;
    try {
      tree = mapper.readTree(payload);
    } catch (JacksonException e) {
      throw new RejectedMessageException("malformed_json", "payload is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (tree == null || tree.isMissingNode()) {
      throw new RejectedMessageException("malformed_json", "payload is empty");
    }
    // the boolean output stops at the first violation and builds no messages: the messages only for a bad payload
    List<String> violations = Boolean.TRUE.equals(schemas.get(type).validate(tree, OutputFormat.BOOLEAN))
        ? List.of() : validate(type, tree);
    if (!violations.isEmpty()) {
      throw new RejectedMessageException("schema_violation",
          type.name() + " does not match its schema: " + String.join("; ", violations));
    }
    try {
      return mapper.treeToValue(tree, type.payloadType());
    } catch (JacksonException e) {
      throw new RejectedMessageException("schema_violation",
          type.name() + " cannot be read: " + e.getOriginalMessage(), e);
    }
  }

  /** Schema violations of a JSON tree, as readable lines; empty when valid. */
  public List<String> validate(MessageType<?> type, JsonNode tree) {
    return schemas.get(type).validate(tree).stream().map(Error::toString).toList();
  }

  public String encode(PhotobombMessage payload) {
    return mapper.writeValueAsString(payload);
  }

  public JsonNode toTree(Object value) {
    return mapper.valueToTree(value);
  }

  public JsonNode readTree(String json) {
    return mapper.readTree(json);
  }

  public String toJson(Object value) {
    return mapper.writeValueAsString(value);
  }

  private static Schema load(SchemaRegistry registry, MessageType<?> type) {
    try (InputStream in = PayloadCodec.class.getClassLoader().getResourceAsStream(type.schemaPath())) {
      if (in == null) {
        throw new IllegalStateException("no schema on the class path for " + type.name() + ": " + type.schemaPath());
      }
      return registry.getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
