package app.photobomb.ops.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's message table lists exactly the catalogue, each topic with its message and kind. */
class ReadmeCatalogueTest {

  private static final Pattern ROW =
      Pattern.compile("^\\| `([a-z-]+)` \\| (\\w+) \\| (command|event) \\|", Pattern.MULTILINE);

  @Test
  void readmeTableHasEveryTopicWithItsMessageAndKindAndNoOther() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    Matcher rows = ROW.matcher(readme);
    List<String> documented = rows.results().map(row -> row.group(1) + "=" + row.group(2) + " " + row.group(3))
        .toList();

    assertThat(documented).containsExactlyInAnyOrderElementsOf(
        MessageCatalog.ALL.stream().map(type -> type.topic() + "=" + type.name() + " "
            + type.kind().name().toLowerCase(Locale.ROOT)).toList());
  }
}
