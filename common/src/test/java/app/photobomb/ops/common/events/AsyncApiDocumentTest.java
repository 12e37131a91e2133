package app.photobomb.ops.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** docs/asyncapi.yaml describes exactly the catalogue: same channels, messages, schemas. */
class AsyncApiDocumentTest {

  private static final Path DOCUMENT = Path.of("..", "docs", "asyncapi.yaml");
  private static Map<String, Object> asyncApi;

  @BeforeAll
  static void parse() throws IOException {
    try (Reader reader = Files.newBufferedReader(DOCUMENT)) {
      asyncApi = new Yaml().load(reader);
    }
  }

  @Test
  void isAnAsyncApi3Document() {
    assertThat(asyncApi.get("asyncapi")).asString().startsWith("3.");
  }

  @Test
  void hasOneChannelPerCatalogueTopicAndNoOther() {
    assertThat(map(asyncApi, "channels").keySet())
        .containsExactlyInAnyOrderElementsOf(MessageCatalog.ALL.stream().map(MessageType::topic).toList());
  }

  @Test
  void eachChannelCarriesItsMessageWithTheCataloguesSchema() {
    Map<String, Object> channels = map(asyncApi, "channels");
    Map<String, Object> messages = map(map(asyncApi, "components"), "messages");
    for (MessageType<?> type : MessageCatalog.ALL) {
      Map<String, Object> channel = map(channels, type.topic());
      assertThat(channel.get("address")).isEqualTo(type.topic());
      assertThat(map(channel, "messages")).containsOnlyKeys(type.name());
      Map<String, Object> message = map(messages, type.name());
      Object payloadRef = map(message, "payload").get("$ref");
      assertThat(payloadRef).asString().endsWith("/" + type.schemaPath());
      assertThat(Files.exists(DOCUMENT.getParent().resolve(payloadRef.toString()).normalize()))
          .as("schema file of %s exists", type.name()).isTrue();
      assertThat(map(message, "headers").get("$ref")).isEqualTo("#/components/schemas/CloudEventHeaders");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    assertThat(parent).containsKey(key);
    return (Map<String, Object>) parent.get(key);
  }
}
