package app.photobomb.ops.testsupport.google;

import com.google.cloud.secretmanager.v1.AccessSecretVersionRequest;
import com.google.cloud.secretmanager.v1.AccessSecretVersionResponse;
import com.google.cloud.secretmanager.v1.AddSecretVersionRequest;
import com.google.cloud.secretmanager.v1.CreateSecretRequest;
import com.google.cloud.secretmanager.v1.DestroySecretVersionRequest;
import com.google.cloud.secretmanager.v1.DisableSecretVersionRequest;
import com.google.cloud.secretmanager.v1.EnableSecretVersionRequest;
import com.google.cloud.secretmanager.v1.GetSecretRequest;
import com.google.cloud.secretmanager.v1.GetSecretVersionRequest;
import com.google.cloud.secretmanager.v1.ListSecretVersionsRequest;
import com.google.cloud.secretmanager.v1.ListSecretVersionsResponse;
import com.google.cloud.secretmanager.v1.Replication;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.secretmanager.v1.SecretManagerServiceGrpc;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.cloud.secretmanager.v1.SecretVersion;
import com.google.cloud.secretmanager.v1.SecretVersion.State;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.BindableService;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Secret Manager v1 as a stateful gRPC stand-in for the real {@code SecretManagerServiceClient}: secrets, versions
 * numbered 1, 2, ... per secret, ENABLED / DISABLED / DESTROYED with the API's FAILED_PRECONDITION on access, and
 * {@code versions/latest} as the API defines it: the most recently created version, whatever its state. Values stay
 * in memory and out of every log, call summary and {@code toString}.
 */
public final class FakeSecretManager implements GoogleFake {

  private static final Pattern SECRET_ID = Pattern.compile("[A-Za-z0-9_-]{1,255}");
  private static final String LATEST = "latest";
  private static final int MAX_PAYLOAD_BYTES = 65536;

  private final CallJournal journal = new CallJournal();
  private final Map<String, Secret> secrets = new LinkedHashMap<>();
  /** Versions per secret name, version n at index n - 1. */
  private final Map<String, List<StoredVersion>> versions = new HashMap<>();

  /** A version's metadata and its data (empty once destroyed); toString leaves the data out. */
  private record StoredVersion(SecretVersion version, ByteString data) {
    @Override
    public String toString() {
      return version.getName() + " " + version.getState();
    }
  }

  @Override
  public List<BindableService> services() {
    return List.of(new SecretManagerService());
  }

  /** Adds {@code value} as a new enabled version of {@code secretName}, creating the secret first if needed. */
  public synchronized String seed(String secretName, String value) {
    int at = secretName.indexOf("/secrets/");
    if (at < 0) {
      throw new IllegalArgumentException("a secret is named projects/P/secrets/S: " + secretName);
    }
    if (!secrets.containsKey(secretName)) {
      createSecret(CreateSecretRequest.newBuilder().setParent(secretName.substring(0, at))
          .setSecretId(secretName.substring(at + "/secrets/".length()))
          .setSecret(Secret.newBuilder().setReplication(Replication.newBuilder()
              .setAutomatic(Replication.Automatic.getDefaultInstance())))
          .build());
    }
    return addSecretVersion(secretName, SecretPayload.newBuilder()
        .setData(ByteString.copyFromUtf8(value)).build()).getName();
  }

  /** The value of a version ({@code "2"} or {@code "latest"}), empty once destroyed; for assertions only. */
  public synchronized Optional<String> value(String secretName, String version) {
    StoredVersion stored = resolve(secretName + "/versions/" + version);
    return stored.version().getState() == State.DESTROYED ? Optional.empty()
        : Optional.of(stored.data().toString(StandardCharsets.UTF_8));
  }

  /** Each version's state by number, oldest first. */
  public synchronized Map<Long, State> states(String secretName) {
    Map<Long, State> states = new LinkedHashMap<>();
    for (StoredVersion stored : versions.getOrDefault(secretName, List.of())) {
      states.put(number(stored.version().getName()), stored.version().getState());
    }
    return states;
  }

  /** The next {@code times} calls of {@code method} ({@code AccessSecretVersion}, ...) fail with {@code status}. */
  public void failNextCalls(String method, Status status, int times) {
    journal.failNextCalls(method, status, times);
  }

  /** Every call so far, oldest first (names only, never a payload). */
  public List<CallJournal.Call> calls() {
    return journal.calls();
  }

  /** The calls of one method, oldest first. */
  public List<CallJournal.Call> calls(String method) {
    return journal.calls(method);
  }

  private synchronized Secret createSecret(CreateSecretRequest request) {
    String name = request.getParent() + "/secrets/" + request.getSecretId();
    if (!request.getParent().matches("projects/[^/]+") || !SECRET_ID.matcher(request.getSecretId()).matches()) {
      throw CallJournal.error(Status.INVALID_ARGUMENT, "Invalid secret name " + name + ".");
    }
    if (!request.getSecret().hasReplication()) {
      throw CallJournal.error(Status.INVALID_ARGUMENT, "Secret.replication is required.");
    }
    if (secrets.containsKey(name)) {
      throw CallJournal.error(Status.ALREADY_EXISTS, "Secret [" + name + "] already exists.");
    }
    Secret secret = request.getSecret().toBuilder().setName(name).setCreateTime(timestamp(Instant.now()))
        .setEtag("\"1\"").build();
    secrets.put(name, secret);
    versions.put(name, new ArrayList<>());
    return secret;
  }

  private synchronized Secret getSecret(String name) {
    Secret secret = secrets.get(name);
    if (secret == null) {
      throw CallJournal.error(Status.NOT_FOUND, "Secret [" + name + "] not found.");
    }
    return secret;
  }

  private synchronized SecretVersion addSecretVersion(String parent, SecretPayload payload) {
    List<StoredVersion> existing = versions.get(getSecret(parent).getName());
    if (payload.getData().size() > MAX_PAYLOAD_BYTES) {
      throw CallJournal.error(Status.INVALID_ARGUMENT, "Secret payload is larger than 64 KiB.");
    }
    if (payload.hasDataCrc32C() && payload.getDataCrc32C() != crc32c(payload.getData())) {
      throw CallJournal.error(Status.INVALID_ARGUMENT, "Checksum of the payload does not match data_crc32c.");
    }
    SecretVersion version = SecretVersion.newBuilder().setName(parent + "/versions/" + (existing.size() + 1))
        .setCreateTime(timestamp(Instant.now())).setState(State.ENABLED)
        .setClientSpecifiedPayloadChecksum(payload.hasDataCrc32C()).build();
    existing.add(new StoredVersion(version, payload.getData()));
    return version;
  }

  private synchronized AccessSecretVersionResponse access(String name) {
    StoredVersion stored = resolve(name);
    if (stored.version().getState() != State.ENABLED) {
      throw CallJournal.error(Status.FAILED_PRECONDITION, "Secret Version [" + stored.version().getName()
          + "] is in " + stored.version().getState() + " state.");
    }
    return AccessSecretVersionResponse.newBuilder().setName(stored.version().getName())
        .setPayload(SecretPayload.newBuilder().setData(stored.data()).setDataCrc32C(crc32c(stored.data())))
        .build();
  }

  private synchronized ListSecretVersionsResponse list(ListSecretVersionsRequest request) {
    if (!request.getFilter().isEmpty()) {
      throw CallJournal.error(Status.UNIMPLEMENTED, "The fake does not filter versions.");
    }
    List<SecretVersion> all = new ArrayList<>();
    versions.get(getSecret(request.getParent()).getName()).forEach(stored -> all.add(stored.version()));
    Collections.reverse(all); // the API lists the newest version first
    int from = request.getPageToken().isEmpty() ? 0 : Integer.parseInt(request.getPageToken());
    int to = request.getPageSize() <= 0 ? all.size() : Math.min(all.size(), from + request.getPageSize());
    return ListSecretVersionsResponse.newBuilder().addAllVersions(all.subList(from, to)).setTotalSize(all.size())
        .setNextPageToken(to < all.size() ? Integer.toString(to) : "").build();
  }

  /** Moves a version to {@code target}; a destroyed version stays destroyed, as in the API. */
  private synchronized SecretVersion transition(String name, State target) {
    StoredVersion stored = resolve(name);
    SecretVersion version = stored.version();
    if (version.getState() == State.DESTROYED) {
      throw CallJournal.error(Status.FAILED_PRECONDITION, "Secret Version [" + version.getName()
          + "] is in DESTROYED state.");
    }
    SecretVersion.Builder next = version.toBuilder().setState(target);
    ByteString data = stored.data();
    if (target == State.DESTROYED) {
      next.setDestroyTime(timestamp(Instant.now()));
      data = ByteString.EMPTY;
    }
    List<StoredVersion> all = versions.get(secretOf(version.getName()));
    all.set((int) number(version.getName()) - 1, new StoredVersion(next.build(), data));
    return next.build();
  }

  private StoredVersion resolve(String versionName) {
    String secretName = secretOf(versionName);
    String id = versionName.substring(versionName.lastIndexOf('/') + 1);
    List<StoredVersion> all = versions.get(getSecret(secretName).getName());
    if (id.equals(LATEST) && !all.isEmpty()) {
      return all.get(all.size() - 1);
    }
    if (id.matches("[1-9][0-9]{0,9}") && Long.parseLong(id) <= all.size()) {
      return all.get(Integer.parseInt(id) - 1);
    }
    throw CallJournal.error(Status.NOT_FOUND, "Secret Version [" + versionName + "] not found.");
  }

  private static String secretOf(String versionName) {
    int at = versionName.indexOf("/versions/");
    if (at < 0) {
      throw CallJournal.error(Status.INVALID_ARGUMENT, "Invalid secret version name " + versionName + ".");
    }
    return versionName.substring(0, at);
  }

  private static long number(String versionName) {
    return Long.parseLong(versionName.substring(versionName.lastIndexOf('/') + 1));
  }

  private static long crc32c(ByteString data) {
    CRC32C crc = new CRC32C();
    crc.update(data.asReadOnlyByteBuffer());
    return crc.getValue();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  private final class SecretManagerService extends SecretManagerServiceGrpc.SecretManagerServiceImplBase {
    @Override
    public void createSecret(CreateSecretRequest request, StreamObserver<Secret> observer) {
      journal.answer("CreateSecret", request.getParent() + "/secrets/" + request.getSecretId(), observer,
          () -> FakeSecretManager.this.createSecret(request));
    }

    @Override
    public void getSecret(GetSecretRequest request, StreamObserver<Secret> observer) {
      journal.answer("GetSecret", request.getName(), observer, () -> FakeSecretManager.this.getSecret(request.getName()));
    }

    @Override
    public void addSecretVersion(AddSecretVersionRequest request, StreamObserver<SecretVersion> observer) {
      journal.answer("AddSecretVersion", request.getParent(), observer,
          () -> FakeSecretManager.this.addSecretVersion(request.getParent(), request.getPayload()));
    }

    @Override
    public void getSecretVersion(GetSecretVersionRequest request, StreamObserver<SecretVersion> observer) {
      journal.answer("GetSecretVersion", request.getName(), observer, () -> {
        synchronized (FakeSecretManager.this) {
          return resolve(request.getName()).version();
        }
      });
    }

    @Override
    public void accessSecretVersion(AccessSecretVersionRequest request,
        StreamObserver<AccessSecretVersionResponse> observer) {
      journal.answer("AccessSecretVersion", request.getName(), observer, () -> access(request.getName()));
    }

    @Override
    public void listSecretVersions(ListSecretVersionsRequest request,
        StreamObserver<ListSecretVersionsResponse> observer) {
      journal.answer("ListSecretVersions", request.getParent(), observer, () -> list(request));
    }

    @Override
    public void enableSecretVersion(EnableSecretVersionRequest request, StreamObserver<SecretVersion> observer) {
      journal.answer("EnableSecretVersion", request.getName(), observer,
          () -> transition(request.getName(), State.ENABLED));
    }

    @Override
    public void disableSecretVersion(DisableSecretVersionRequest request, StreamObserver<SecretVersion> observer) {
      journal.answer("DisableSecretVersion", request.getName(), observer,
          () -> transition(request.getName(), State.DISABLED));
    }

    @Override
    public void destroySecretVersion(DestroySecretVersionRequest request, StreamObserver<SecretVersion> observer) {
      journal.answer("DestroySecretVersion", request.getName(), observer,
          () -> transition(request.getName(), State.DESTROYED));
    }
  }
}
