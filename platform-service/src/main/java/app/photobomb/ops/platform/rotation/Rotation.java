package app.photobomb.ops.platform.rotation;

import app.photobomb.ops.common.events.SecretRotationRequested;
import app.photobomb.ops.platform.google.CloudRunService;
import app.photobomb.ops.platform.google.CloudSql;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** One rotation as its steps see it: the command, which secrets it rotates, and the clients of their stores. */
record Rotation(SecretRotationRequested command, RotationProperties properties, SecretVersions secrets,
    CloudSql cloudSql, B2Keys b2, CloudflareTokens cloudflare, CloudRunService api, WorkerRollout workers) {

  static final String DATABASE = "database";
  static final String JWT = "jwt";
  static final String B2 = "b2";
  static final String CLOUDFLARE = "cloudflare";
  static final String LIVE_USER = "database.liveUser";
  static final String IDLE_USER = "database.idleUser";
  static final String OLD_B2_KEY = "b2.oldKeyId";
  static final String NEW_B2_KEY = "b2.newKeyId";
  static final String OLD_TOKEN = "cloudflare.oldTokenId";
  static final String NEW_TOKEN = "cloudflare.newTokenId";
  static final String PREVIOUS_REVISION = "api.previousRevision";

  private static final SecureRandom RANDOM = new SecureRandom();

  boolean rotates(String kind) {
    return command.effectiveSecrets().contains(kind);
  }

  /** Whether the workers' Secret holds anything rotated (database and B2 credentials). */
  boolean touchesWorkers() {
    return rotates(DATABASE) || rotates(B2);
  }

  /** The Secret Manager ids this rotation adds versions to. */
  List<String> secretIds() {
    List<String> ids = new ArrayList<>();
    if (rotates(DATABASE)) {
      ids.add(properties.database().userSecret());
      ids.add(properties.database().passwordSecret());
    }
    if (rotates(JWT)) {
      ids.add(properties.jwt().secret());
    }
    if (rotates(B2)) {
      ids.add(properties.b2().keyIdSecret());
      ids.add(properties.b2().keySecret());
    }
    if (rotates(CLOUDFLARE)) {
      ids.add(properties.cloudflare().tokenSecret());
    }
    return ids;
  }

  /** The name of what this operation creates (a B2 key, a Cloudflare token), so that a run again finds it. */
  String createdName() {
    return "photobomb-rotation-" + command.operationId();
  }

  /** A new random secret: {@code bytes} from SecureRandom as URL-safe base64. */
  static String generate(int bytes) {
    byte[] secret = new byte[bytes];
    RANDOM.nextBytes(secret);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }
}
