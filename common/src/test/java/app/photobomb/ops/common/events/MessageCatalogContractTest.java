package app.photobomb.ops.common.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.RejectedMessageException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Every message of the catalogue against its JSON Schema: the wire contract. */
class MessageCatalogContractTest {

  private final PayloadCodec codec = new PayloadCodec();

  static Stream<MessageType<?>> catalogue() {
    return MessageCatalog.ALL.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogue")
  void messageWithOnlyItsRequiredFieldsIsRead(MessageType<?> type) {
    JsonNode schema = schemaOf(type);
    Set<String> required = new HashSet<>();
    schema.get("required").forEach(name -> required.add(name.asString()));
    ObjectNode tree = (ObjectNode) codec.toTree(SampleMessages.sample(type));
    new HashSet<>(tree.propertyNames()).stream().filter(name -> !required.contains(name)).forEach(tree::remove);

    assertThat(codec.decode(type, tree.toString().getBytes(StandardCharsets.UTF_8))).isNotNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogue")
  void recordRoundTripsThroughJsonAndMatchesItsSchema(MessageType<?> type) {
    PhotobombMessage sample = SampleMessages.sample(type);

    String json = codec.encode(sample);

    assertThat(codec.validate(type, codec.readTree(json))).isEmpty();
    assertThat(codec.decode(type, json.getBytes(StandardCharsets.UTF_8))).isEqualTo(sample);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogue")
  void unknownExtraFieldIsAccepted(MessageType<?> type) {
    PhotobombMessage sample = SampleMessages.sample(type);
    ObjectNode tree = (ObjectNode) codec.toTree(sample);
    tree.put("fieldFromTheFuture", "ignored");

    assertThat(codec.decode(type, tree.toString().getBytes(StandardCharsets.UTF_8))).isEqualTo(sample);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogue")
  void missingRequiredFieldIsASchemaViolation(MessageType<?> type) {
    JsonNode schema = schemaOf(type);
    String required = schema.get("required").get(0).asString();
    ObjectNode tree = (ObjectNode) codec.toTree(SampleMessages.sample(type));
    tree.remove(required);

    assertThatThrownBy(() -> codec.decode(type, tree.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(RejectedMessageException.class)
        .hasMessageContaining(required)
        .extracting(e -> ((RejectedMessageException) e).reason()).isEqualTo("schema_violation");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogue")
  void schemaPropertiesAreExactlyTheRecordComponents(MessageType<?> type) {
    Set<String> properties = new HashSet<>(schemaOf(type).get("properties").propertyNames());
    Set<String> components = new HashSet<>(Arrays.stream(type.payloadType().getRecordComponents())
        .map(RecordComponent::getName).toList());

    assertThat(properties).isEqualTo(components);
  }

  @Test
  void topicsAreKebabCaseUniqueAndNamedAfterTheirMessage() {
    List<String> topics = MessageCatalog.ALL.stream().map(MessageType::topic).toList();

    assertThat(topics).doesNotHaveDuplicates().allMatch(t -> t.matches("[a-z]+(-[a-z]+)*"));
    assertThat(MessageCatalog.ALL).allMatch(t -> kebab(t.name()).equals(t.topic()));
    assertThat(MessageCatalog.ALL.stream().map(MessageType::payloadType)).doesNotHaveDuplicates();
  }

  @Test
  void malformedJsonIsRejectedAsMalformed() {
    assertThatThrownBy(() -> codec.decode(MessageCatalog.USER_DELETION_REQUESTED,
        "{\"userId\":".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(RejectedMessageException.class)
        .extracting(e -> ((RejectedMessageException) e).reason()).isEqualTo("malformed_json");
  }

  private JsonNode schemaOf(MessageType<?> type) {
    try (var in = getClass().getClassLoader().getResourceAsStream(type.schemaPath())) {
      return codec.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String kebab(String name) {
    return name.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
  }
}
