package app.photobomb.ops.platform.rotation;

import app.photobomb.ops.platform.google.GoogleProperties;
import app.photobomb.ops.platform.saga.StepContext;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretName;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.cloud.secretmanager.v1.SecretVersion;
import com.google.cloud.secretmanager.v1.SecretVersionName;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The rotated secrets in Secret Manager, by id and version number (never {@code latest}: it is the newest version
 * whatever its state). Facts hold, per secret, the last-known-good version ({@code before.<id>}: the newest enabled
 * one), the newest version of any state when the rotation read them ({@code seen.<id>}: anything newer is this
 * operation's) and the one this operation added ({@code new.<id>}), so that a step run again finds its version
 * instead of adding another.
 */
@Component
public class SecretVersions {

  /** One version's number, state and creation time. */
  record Version(long number, SecretVersion.State state, Instant created) {
  }

  private final SecretManagerServiceClient client;
  private final String project;

  SecretVersions(SecretManagerServiceClient client, GoogleProperties google) {
    this.client = client;
    this.project = google.project();
  }

  static String before(String secret) {
    return "before." + secret;
  }

  static String seen(String secret) {
    return "seen." + secret;
  }

  static String added(String secret) {
    return "new." + secret;
  }

  /** Every version, newest first. */
  List<Version> versions(String secret) {
    List<Version> all = new ArrayList<>();
    client.listSecretVersions(SecretName.of(project, secret)).iterateAll().forEach(version -> all.add(new Version(
        number(version.getName()), version.getState(), Instant.ofEpochMilli(Timestamps.toMillis(version.getCreateTime())))));
    all.sort(Comparator.comparingLong(Version::number).reversed());
    return all;
  }

  /** When a version was added. */
  Instant created(String secret, long version) {
    return versions(secret).stream().filter(candidate -> candidate.number() == version).map(Version::created)
        .findFirst().orElseThrow(() -> new IllegalStateException(secret + "@" + version + " is not listed"));
  }

  long newest(String secret) {
    return versions(secret).stream().mapToLong(Version::number).max().orElse(0);
  }

  long newestEnabled(String secret) {
    return versions(secret).stream().filter(version -> version.state() == SecretVersion.State.ENABLED)
        .mapToLong(Version::number).max().orElse(0);
  }

  /** The value of a version by number; held in memory only, by the caller that passes it on. */
  String value(String secret, long version) {
    return client.accessSecretVersion(SecretVersionName.of(project, secret, Long.toString(version))).getPayload()
        .getData().toString(StandardCharsets.UTF_8);
  }

  /**
   * The version this operation added to {@code secret}, adding it with {@code value} if it has none yet: a version
   * newer than the newest one seen before is this operation's (added by a run whose outcome was lost in a crash).
   */
  long addOnce(StepContext context, String secret, Supplier<String> value) {
    var known = context.fact(added(secret));
    if (known.isPresent()) {
      return Long.parseLong(known.get());
    }
    long seen = Long.parseLong(context.fact(seen(secret)).orElseThrow());
    long newest = newest(secret);
    long version = newest > seen ? newest : number(client.addSecretVersion(SecretName.of(project, secret),
        SecretPayload.newBuilder().setData(ByteString.copyFrom(value.get(), StandardCharsets.UTF_8)).build())
        .getName());
    context.remember(added(secret), Long.toString(version));
    return version;
  }

  /** Whether a version newer than the newest one seen before exists (this operation's, added or not yet remembered). */
  boolean addedSince(StepContext context, String secret) {
    return context.fact(added(secret)).isPresent()
        || newest(secret) > Long.parseLong(context.fact(seen(secret)).orElseThrow());
  }

  /** Disables the version if it is enabled; true when it changed. */
  boolean disable(String secret, long version) {
    SecretVersionName name = SecretVersionName.of(project, secret, Long.toString(version));
    if (client.getSecretVersion(name).getState() != SecretVersion.State.ENABLED) {
      return false;
    }
    client.disableSecretVersion(name);
    return true;
  }

  /** Disables the version this operation added, if it added one; what it did, in words. */
  String disableAdded(StepContext context, String secret) {
    if (context.fact(seen(secret)).isEmpty()) {
      return secret + ": not read, nothing added";
    }
    long seen = Long.parseLong(context.fact(seen(secret)).orElseThrow());
    long version = context.fact(added(secret)).map(Long::parseLong).orElseGet(() -> newest(secret));
    if (version <= seen) {
      return secret + ": no version added";
    }
    return secret + "@" + version + (disable(secret, version) ? " disabled" : " was disabled already");
  }

  private static long number(String versionName) {
    return Long.parseLong(versionName.substring(versionName.lastIndexOf('/') + 1));
  }
}
