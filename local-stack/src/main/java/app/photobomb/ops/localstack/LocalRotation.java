package app.photobomb.ops.localstack;

import app.photobomb.ops.storage.b2.FakeB2Server;
import app.photobomb.ops.testsupport.cloudflare.CloudflareStandIn;
import com.backblaze.b2.client.B2ClientConfig;
import com.backblaze.b2.client.B2StorageClient;
import com.backblaze.b2.client.exceptions.B2Exception;
import com.backblaze.b2.client.structures.B2CreateKeyRequest;
import com.backblaze.b2.client.structures.B2CreatedApplicationKey;
import com.backblaze.b2.client.webApiHttpClient.B2StorageHttpClientBuilder;
import com.backblaze.b2.client.webApiHttpClient.HttpClientFactoryImpl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the secret rotation needs beyond the Google stand-ins: the B2 key API (object-storage's FakeB2Server; the
 * stack's photos are in the local store, so it serves keys only) with the workers' key made by its master key, a
 * Cloudflare token for the API's purges made on the Cloudflare stand-in (not the cdn-service's, which the rotation
 * must not delete), and the first value of every rotated secret. Values stay in memory and out of every log line.
 */
final class LocalRotation implements AutoCloseable {

  /** The platform-service's secret ids and the workers' Secret (RotationProperties' defaults). */
  static final String DATABASE_USER = "database-user";
  static final String DATABASE_PASSWORD = "database-password";
  static final String JWT_SECRET = "jwt-secret";
  static final String B2_KEY_ID = "b2-application-key-id";
  static final String B2_KEY = "b2-application-key";
  static final String CLOUDFLARE_TOKEN = "cloudflare-api-token";
  static final String WORKER_SECRET = "photobomb-worker-secrets";
  /** The alternating database users of the rotation, the first one live. */
  static final List<String> DATABASE_USERS = List.of("photobomb_app_a", "photobomb_app_b");

  private static final SecureRandom RANDOM = new SecureRandom();

  private final FakeB2Server b2;
  private final Map<String, String> secrets;
  private final Map<String, Object> cloudflareProperties;

  private LocalRotation(FakeB2Server b2, Map<String, String> secrets, Map<String, Object> cloudflareProperties) {
    this.b2 = b2;
    this.secrets = secrets;
    this.cloudflareProperties = cloudflareProperties;
  }

  /**
   * Starts the B2 key API under {@code directory} and makes the first key, token, password and JWT secret; the
   * rotation creates and deletes tokens in {@code zoneId} with {@code cloudflareAdminToken}.
   */
  static LocalRotation start(Path directory, CloudflareStandIn cloudflare, String cloudflareAdminToken,
      String zoneId) {
    FakeB2Server b2;
    try {
      Files.createDirectories(directory);
      b2 = new FakeB2Server(directory).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the B2 key API stand-in", e);
    }
    try {
      B2CreatedApplicationKey workersKey = workersKey(b2);
      Map<String, String> secrets = new LinkedHashMap<>();
      secrets.put(DATABASE_USER, DATABASE_USERS.get(0));
      secrets.put(DATABASE_PASSWORD, random(32));
      secrets.put(JWT_SECRET, random(64));
      secrets.put(B2_KEY_ID, workersKey.getApplicationKeyId());
      secrets.put(B2_KEY, workersKey.getApplicationKey());
      secrets.put(CLOUDFLARE_TOKEN, cloudflareToken(cloudflare, cloudflareAdminToken));
      Map<String, Object> cloudflareProperties = new LinkedHashMap<>();
      cloudflareProperties.put("photobomb.platform.rotation.cloudflare.api-url", cloudflare.apiUrl());
      cloudflareProperties.put("photobomb.platform.rotation.cloudflare.admin-token", cloudflareAdminToken);
      cloudflareProperties.put("photobomb.platform.rotation.cloudflare.zone-id", zoneId);
      return new LocalRotation(b2, Map.copyOf(secrets), cloudflareProperties);
    } catch (RuntimeException e) {
      b2.close();
      throw e;
    }
  }

  /** The first version of each rotated secret, by Secret Manager id. */
  Map<String, String> secrets() {
    return secrets;
  }

  /** The workers' Kubernetes Secret as a deployment would have it before any rotation. */
  Map<String, String> workerSecret() {
    return Map.of("DATABASE_USER", secrets.get(DATABASE_USER), "DATABASE_PASSWORD", secrets.get(DATABASE_PASSWORD),
        "B2_APPLICATION_KEY_ID", secrets.get(B2_KEY_ID), "B2_APPLICATION_KEY", secrets.get(B2_KEY));
  }

  String b2Url() {
    return b2.baseUrl();
  }

  /** The platform-service's rotation settings for the B2 and Cloudflare stand-ins. */
  Map<String, Object> platformProperties() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("photobomb.platform.rotation.b2.api-url", b2.baseUrl());
    properties.put("photobomb.platform.rotation.b2.admin-key-id", b2.applicationKeyId());
    properties.put("photobomb.platform.rotation.b2.admin-key", b2.applicationKey());
    properties.put("photobomb.platform.rotation.b2.allow-insecure-http", true);
    properties.putAll(cloudflareProperties);
    return properties;
  }

  /** The key the workers read and write the buckets with, made by the master key (as in B2's console). */
  private static B2CreatedApplicationKey workersKey(FakeB2Server b2) {
    B2ClientConfig config = B2ClientConfig.builder(b2.applicationKeyId(), b2.applicationKey(), "photobomb-local-stack")
        .setMasterUrl(b2.baseUrl()).build();
    try (B2StorageClient client = B2StorageHttpClientBuilder.builder(config).setHttpClientFactory(
        HttpClientFactoryImpl.builder().setSupportInsecureHttp(true).build()).build()) {
      return client.createKey(B2CreateKeyRequest.builder(Set.of("listBuckets", "listFiles", "readFiles",
          "writeFiles", "deleteFiles"), "photobomb-workers").build());
    } catch (B2Exception e) {
      throw new IllegalStateException("the B2 key API stand-in did not create the workers' key", e);
    }
  }

  /** A token made on the Cloudflare stand-in by its admin token (POST /user/tokens); its value. */
  private static String cloudflareToken(CloudflareStandIn cloudflare, String adminToken) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(cloudflare.apiUrl() + "/user/tokens")).header("Authorization", "Bearer " + adminToken)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"photobomb-api-purges\",\"policies\":"
              + "[{\"effect\":\"allow\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("the Cloudflare stand-in answered " + response.statusCode()
            + " to POST /user/tokens");
      }
      return JsonMapper.builder().build().readTree(response.body()).path("result").path("value").asString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach the Cloudflare stand-in", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making a Cloudflare token", e);
    }
  }

  private static String random(int bytes) {
    byte[] secret = new byte[bytes];
    RANDOM.nextBytes(secret);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  @Override
  public void close() {
    b2.close();
  }
}
