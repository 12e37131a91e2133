package app.photobomb.ops.localstack;

import java.io.PrintStream;

/** What the local stack prints once it is up: where everything is and how to send a command. */
final class LocalStackBanner {

  private LocalStackBanner() {
  }

  static void print(LocalStack stack, long startupMillis) {
    PrintStream out = System.out;
    out.println();
    out.println("photobomb-ops local stack is up (" + startupMillis + " ms)");
    out.println("  Kafka      " + stack.endpoints().kafkaBootstrapServers());
    out.println("  PostgreSQL " + stack.jdbcUrl() + " (user " + LocalStack.APP_USER + ", password "
        + LocalStack.APP_PASSWORD + ")");
    out.println("  Redis      " + stack.endpoints().redisUrl());
    out.println("  Objects    " + stack.objectStoreRoot() + " (download links served at " + stack.linkBaseUrl() + ")");
    out.println("  Kubernetes " + stack.kubernetesUrl() + " (stand-in; deployments of namespace "
        + LocalKubernetes.NAMESPACE + ": " + String.join(", ", LocalKubernetes.DEPLOYMENTS) + ")");
    out.println("  Cloudflare " + stack.cloudflare().baseUrl() + " (stand-in, plan "
        + stack.cloudflare().plan().name() + ": purge API at " + stack.cloudflare().apiUrl() + "/zones/" + LocalStack.CLOUDFLARE_ZONE
        + "/purge_cache, edge cache of /thumb/<photo>/<size>.webp)");
    stack.servicePorts().forEach((service, port) ->
        out.println("  " + String.format("%-18s", service.serviceName()) + "http://127.0.0.1:" + port + "/healthz"));
    out.println("  Endpoints file: " + stack.endpointsFile());
    out.println("  Logs       " + stack.logDirectory() + " (one file per component; --verbose shows them here)");
    out.println("  State      " + stack.directory() + " is kept across runs; --reset starts over");
    out.println();
    if (stack.demo().users().isEmpty()) {
      out.println("No demo users left (all deleted); --reset brings them back.");
      out.println();
      out.println("Ctrl-C stops everything.");
      return;
    }
    out.println("Demo users" + (stack.demo().created() ? " (just loaded):" : ":"));
    stack.demo().users().forEach(user ->
        out.println("  " + user.userId() + "  " + user.email() + "  " + user.photoCount() + " photos"));
    String someone = stack.demo().users().get(0).userId().toString();
    out.println();
    out.println("Send a command, e.g. a GDPR export of the first demo user:");
    out.println("  java -jar local-stack/target/local-stack.jar send user-export-requested \\");
    out.println("    '{\"exportId\":\"" + java.util.UUID.randomUUID() + "\",\"userId\":\"" + someone
        + "\",\"requestedBy\":\"" + someone + "\"}'");
    out.println("  it prints the answers, and the archive's download link when the export is done.");
    out.println("Or regenerate every demo thumbnail (the scaling-service scales deployment thumbnail-worker up, and the");
    out.println("local worker's slots follow its replicas):");
    out.println("  java -jar local-stack/target/local-stack.jar send reprocess-batch \\");
    out.println("    '{\"batchId\":\"" + java.util.UUID.randomUUID() + "\",\"jobType\":\"reprocess_thumbnails\","
        + "\"processedBefore\":\"" + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        + "\",\"requestedBy\":\"operator\"}'");
    out.println("  it prints the batch's progress until it completes; the new thumbnails are under "
        + stack.objectStoreRoot().resolve("photobomb-thumbnails") + ".");
    out.println("  Watch the replicas: curl -s " + stack.kubernetesUrl() + "/apis/apps/v1/namespaces/"
        + LocalKubernetes.NAMESPACE + "/deployments/" + LocalKubernetes.THUMBNAIL_WORKER + " (spec.replicas)");
    stack.firstPhotoOf(stack.demo().users().get(0).userId()).ifPresent(photo -> {
      out.println("Check the CDN's cache of a thumbnail (runbook task 7's validation): cf-cache-status is MISS, then");
      out.println("HIT, and MISS again once a purge named it (a hard delete of its user, a reprocess of it):");
      out.println("  curl -I " + stack.cloudflare().baseUrl() + "/thumb/" + photo + "/512.webp");
    });
    out.println();
    out.println("Ctrl-C stops everything.");
  }
}
