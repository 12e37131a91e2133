package app.photobomb.ops.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;

/** Writes the running stack's endpoints as a properties file, for scripts and other clients. */
final class LocalEndpointsFile {

  private LocalEndpointsFile() {
  }

  static Properties properties(LocalStack stack) {
    Properties properties = new Properties();
    properties.setProperty("kafka.bootstrap.servers", stack.endpoints().kafkaBootstrapServers());
    properties.setProperty("jdbc.url", stack.jdbcUrl());
    properties.setProperty("jdbc.user", LocalStack.APP_USER);
    properties.setProperty("jdbc.password", LocalStack.APP_PASSWORD);
    properties.setProperty("redis.url", stack.endpoints().redisUrl());
    properties.setProperty("object.store.root", stack.objectStoreRoot().toString());
    properties.setProperty("download.links.url", stack.linkBaseUrl());
    properties.setProperty("kubernetes.url", stack.kubernetesUrl());
    properties.setProperty("cloudflare.url", stack.cloudflare().baseUrl());
    properties.setProperty("cloudflare.api.url", stack.cloudflare().apiUrl());
    properties.setProperty("cloudflare.api.token", LocalStack.CLOUDFLARE_TOKEN);
    properties.setProperty("cloudflare.zone.id", LocalStack.CLOUDFLARE_ZONE);
    for (Map.Entry<LocalService, Integer> port : stack.servicePorts().entrySet()) {
      properties.setProperty(port.getKey().serviceName() + ".url", "http://127.0.0.1:" + port.getValue());
    }
    return properties;
  }

  /** Written beside, then moved into place: a reader never sees the file half written (nor empty). */
  static void write(LocalStack stack, Path file) {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try {
      try (Writer writer = Files.newBufferedWriter(partial)) {
        properties(stack).store(writer, "photobomb-ops local stack endpoints");
      }
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
