package app.photobomb.ops.storage.b2;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake B2's application keys: the master key, the keys b2_create_key made, and the account authorization
 * tokens each key was given. A deleted or expired key authorizes no more, and the tokens it was given stop working
 * at once, as B2 revokes them with the key; capabilities are listed as asked but not enforced.
 */
final class FakeB2ApplicationKeys {

  /** One key; {@code secret} is the applicationKey, which only b2_create_key's answer carries. */
  record Key(String applicationKeyId, String secret, String keyName, Set<String> capabilities, String bucketId,
      String namePrefix, Long expirationTimestamp) {

    boolean liveAt(Instant now) {
      return expirationTimestamp == null || now.toEpochMilli() < expirationTimestamp;
    }
  }

  private final Key master;
  private final Map<String, Key> created = new TreeMap<>();
  private final Map<String, String> keyIdByToken = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();

  FakeB2ApplicationKeys(String masterKeyId, Set<String> masterCapabilities) {
    this.master = new Key(masterKeyId, "fake-key-" + UUID.randomUUID(), null, new TreeSet<>(masterCapabilities),
        null, null, null);
  }

  Key master() {
    return master;
  }

  /** Makes a key; its id sorts after every earlier one, as B2's do. */
  synchronized Key create(String keyName, Set<String> capabilities, String bucketId, String namePrefix,
      Long validDurationInSeconds) {
    String id = String.format("fake%021d", sequence.incrementAndGet());
    byte[] random = UUID.randomUUID().toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    String secret = "K001" + Base64.getEncoder().withoutPadding().encodeToString(random).substring(0, 27);
    Long expires = validDurationInSeconds == null ? null
        : Instant.now().plusSeconds(validDurationInSeconds).toEpochMilli();
    Key key = new Key(id, secret, keyName, new TreeSet<>(capabilities), bucketId, namePrefix, expires);
    created.put(id, key);
    return key;
  }

  /** Removes a created key and revokes its tokens; empty when there is no such key (the master cannot go). */
  synchronized Optional<Key> delete(String applicationKeyId) {
    Key key = created.remove(applicationKeyId);
    if (key != null) {
      keyIdByToken.values().removeIf(applicationKeyId::equals);
    }
    return Optional.ofNullable(key);
  }

  /** Created keys from {@code startApplicationKeyId} (inclusive), in id order; the master key is not listed. */
  synchronized List<Key> list(String startApplicationKeyId) {
    List<Key> keys = new ArrayList<>();
    for (Key key : created.values()) {
      if (startApplicationKeyId == null || key.applicationKeyId().compareTo(startApplicationKeyId) >= 0) {
        keys.add(key);
      }
    }
    return keys;
  }

  /** The live key these credentials name, if the secret matches. */
  synchronized Optional<Key> authenticate(String applicationKeyId, String secret) {
    Key key = master.applicationKeyId().equals(applicationKeyId) ? master : created.get(applicationKeyId);
    if (key == null || !key.secret().equals(secret) || !key.liveAt(Instant.now())) {
      return Optional.empty();
    }
    return Optional.of(key);
  }

  /** A new account authorization token of this key. */
  String issueToken(Key key) {
    String token = "fake-account-token-" + UUID.randomUUID();
    keyIdByToken.put(token, key.applicationKeyId());
    return token;
  }

  /** Whether the token was issued to a key that is still live. */
  synchronized boolean live(String token) {
    String keyId = token == null ? null : keyIdByToken.get(token);
    if (keyId == null) {
      return false;
    }
    Key key = master.applicationKeyId().equals(keyId) ? master : created.get(keyId);
    return key != null && key.liveAt(Instant.now());
  }

  synchronized Set<String> createdKeyIds() {
    return Set.copyOf(created.keySet());
  }
}
