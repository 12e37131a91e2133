package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageType;
import java.util.List;

/**
 * Which {@code ce_source}s a consumer accepts. Commands come from the configured command sources (the photobomb
 * API, the operators' tools) or from a photobomb-ops service that sends one as part of a flow an accepted
 * command started (deletion-service asks cdn-service to purge); events come from photobomb-ops services only.
 * An entry ending in {@code *} matches every source that starts with what precedes it.
 *
 * <p>ce_source is asserted by the publisher: this check refuses publishers that do not even claim to be an
 * accepted system; the Kafka ACLs of deploy/kafka-acls.md make sure that only that system's principal can write
 * the topic.
 */
record SourcePolicy(List<String> commandSources, List<String> serviceSources) {

  SourcePolicy {
    commandSources = List.copyOf(commandSources);
    serviceSources = List.copyOf(serviceSources);
  }

  boolean accepts(MessageType<?> type, String source) {
    return matches(serviceSources, source) || (type.isCommand() && matches(commandSources, source));
  }

  private static boolean matches(List<String> patterns, String source) {
    for (String pattern : patterns) {
      if (pattern.endsWith("*") ? source.startsWith(pattern.substring(0, pattern.length() - 1))
          : pattern.equals(source)) {
        return true;
      }
    }
    return false;
  }
}
