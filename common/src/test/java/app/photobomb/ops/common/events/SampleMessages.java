package app.photobomb.ops.common.events;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds a valid instance of any catalogue record, with every field set, for contract tests. */
final class SampleMessages {

  private SampleMessages() {
  }

  static <T extends PhotobombMessage> T sample(MessageType<T> type) {
    RecordComponent[] components = type.payloadType().getRecordComponents();
    Object[] values = Arrays.stream(components).map(SampleMessages::valueFor).toArray();
    try {
      Constructor<T> constructor = type.payloadType().getDeclaredConstructor(
          Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
      return constructor.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build a sample " + type.name(), e);
    }
  }

  private static Object valueFor(RecordComponent component) {
    String name = component.getName();
    Class<?> raw = component.getType();
    if (raw == UUID.class) {
      return UUID.randomUUID();
    }
    if (raw == Instant.class) {
      return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
    if (raw == String.class) {
      return switch (name) {
        case "sha256" -> "a".repeat(64);
        case "url" -> "https://storage.example.test/photobomb-exports/export.zip?sig=abc";
        case "deployment" -> "thumbnail-worker";
        case "namespace" -> "photobomb";
        case "queue" -> "high_priority_queue";
        case "jobType" -> "reprocess_thumbnails";
        case "instance" -> "photobomb-prod-db";
        case "targetInstance" -> "photobomb-prod-db-restored";
        case "mode" -> BackupRestoreRequested.NEW_INSTANCE;
        case "saga" -> "database-resize";
        case "tier" -> "db-custom-8-32768";
        case "revision" -> "photobomb-api-00042-abc";
        case "status" -> "done";
        default -> name + "-value";
      };
    }
    if (raw == int.class || raw == Integer.class) {
      return name.equals("maxConnections") ? 400 : 3;
    }
    if (raw == long.class || raw == Long.class) {
      return 42L;
    }
    if (raw == double.class || raw == Double.class) {
      return 2.5;
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return true;
    }
    if (raw == Map.class) {
      Type value = ((ParameterizedType) component.getGenericType()).getActualTypeArguments()[1];
      return value == String.class ? Map.of("tier", "db-custom-8-32768") : Map.of("photos", 12L, "photo_files", 48L);
    }
    if (raw == List.class) {
      Type element = ((ParameterizedType) component.getGenericType()).getActualTypeArguments()[0];
      if (element == UUID.class) {
        return List.of(UUID.randomUUID(), UUID.randomUUID());
      }
      if (element == Integer.class) {
        return List.of(256, 512, 1024);
      }
      if (element == PlatformOperationPlanned.PlannedStep.class) {
        return List.of(new PlatformOperationPlanned.PlannedStep("patch-instance", "cloudsql instance photobomb-prod-db",
            true));
      }
      switch (name) {
        case "secrets":
          return List.of("database", "jwt");
        case "workers":
          return List.of("thumbnail-worker", "face-worker");
        case "compensatedSteps", "notes":
          return List.of("switch-traffic", "restore-backup");
        default:
          break;
      }
      return List.of("https://cdn.photobomb.app/thumb/photo123/256.webp",
          "https://cdn.photobomb.app/thumb/photo123/512.webp");
    }
    throw new IllegalArgumentException("no sample for " + raw + " " + name);
  }
}
