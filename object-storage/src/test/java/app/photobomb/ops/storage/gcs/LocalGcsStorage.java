package app.photobomb.ops.storage.gcs;

import com.google.api.services.storage.model.StorageObject;
import com.google.cloud.Tuple;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.cloud.storage.spi.v1.StorageRpc;
import com.google.cloud.storage.spi.v1.StorageRpc.Option;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * LocalStorageHelper's in-memory GCS with the JSON API calls it lacks filled in at its RPC layer, so the adapter
 * makes the same client calls as against GCS. The helper refuses objects.patch and the {@code versions} list
 * option, ignores {@code pageToken} (it answers the first page again) and the generation of get and delete,
 * and shows an upload's object from its start. Here patch merges metadata, lists page in name order, get and
 * delete of another generation find nothing, and an unfinished upload stays invisible. The helper keeps one
 * generation a name, so a versioned listing lists the live generations.
 */
final class LocalGcsStorage {

  private LocalGcsStorage() {
  }

  static Storage create() {
    StorageOptions local = LocalStorageHelper.getOptions();
    StorageRpc helper = (StorageRpc) local.getRpc();
    StorageRpc filledIn = (StorageRpc) Proxy.newProxyInstance(StorageRpc.class.getClassLoader(),
        new Class<?>[] {StorageRpc.class}, new FilledIn(helper));
    return local.toBuilder().setServiceRpcFactory(options -> filledIn).build().getService();
  }

  /** Answers the calls LocalStorageHelper lacks, and passes every other one to it. */
  private static final class FilledIn implements InvocationHandler {

    private static final Comparator<StorageObject> NAME_THEN_GENERATION =
        Comparator.comparing(StorageObject::getName).thenComparing(StorageObject::getGeneration);

    private final StorageRpc helper;

    FilledIn(StorageRpc helper) {
      this.helper = helper;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      boolean onObject = args != null && args.length == 2 && args[0] instanceof StorageObject;
      @SuppressWarnings("unchecked")
      Map<Option, ?> options = onObject ? (Map<Option, ?>) args[1] : Map.of();
      return switch (method.getName()) {
        case "get" -> onObject ? get((StorageObject) args[0]) : forward(method, args);
        case "delete" -> onObject ? delete((StorageObject) args[0], options) : forward(method, args);
        case "patch" -> onObject ? patch((StorageObject) args[0], options) : forward(method, args);
        case "list" -> args != null && args.length == 2 && args[0] instanceof String bucket
            ? list(bucket, castOptions(args[1])) : forward(method, args);
        default -> forward(method, args);
      };
    }

    private Object forward(Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(helper, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    /** The live, finished generation of the object, if it is the one asked for (any, when none is). */
    private StorageObject get(StorageObject object) {
      StorageObject live = helper.get(new StorageObject().setBucket(object.getBucket()).setName(object.getName()),
          Map.of());
      if (live == null || live.getGeneration() == null) {
        return null;
      }
      return object.getGeneration() == null || object.getGeneration().equals(live.getGeneration()) ? live : null;
    }

    private boolean delete(StorageObject object, Map<Option, ?> options) {
      return get(object) != null && helper.delete(object, options);
    }

    private StorageObject patch(StorageObject object, Map<Option, ?> options) {
      StorageObject live = get(object);
      if (live == null) {
        throw new StorageException(404, "No such object: " + object.getBucket() + "/" + object.getName());
      }
      long metageneration = live.getMetageneration() == null ? 1 : live.getMetageneration();
      if (!matches(options.get(Option.IF_GENERATION_MATCH), live.getGeneration())
          || !matches(options.get(Option.IF_METAGENERATION_MATCH), metageneration)) {
        throw new StorageException(412, "conditionNotMet");
      }
      if (object.getMetadata() != null) {
        Map<String, String> metadata = live.getMetadata() == null ? new HashMap<>() : new HashMap<>(live.getMetadata());
        metadata.putAll(object.getMetadata());
        live.setMetadata(metadata);
      }
      live.setMetageneration(metageneration + 1);
      return live.clone();
    }

    private Tuple<String, Iterable<StorageObject>> list(String bucket, Map<Option, ?> options) {
      Map<Option, Object> supported = new EnumMap<>(Option.class);
      supported.putAll(options);
      supported.keySet().removeAll(List.of(Option.VERSIONS, Option.PAGE_TOKEN, Option.MAX_RESULTS));
      List<StorageObject> finished = StreamSupport.stream(helper.list(bucket, supported).y().spliterator(), false)
          .filter(object -> object.getGeneration() != null)
          .sorted(NAME_THEN_GENERATION)
          .toList();
      int from = options.get(Option.PAGE_TOKEN) instanceof String token ? Integer.parseInt(token) : 0;
      long pageSize = options.get(Option.MAX_RESULTS) instanceof Long max ? max : Long.MAX_VALUE;
      int to = (int) Math.min(finished.size(), from + pageSize);
      return Tuple.of(to < finished.size() ? String.valueOf(to) : null, finished.subList(from, to));
    }

    private static boolean matches(Object expected, long actual) {
      return expected == null || ((Long) expected) == actual;
    }

    @SuppressWarnings("unchecked")
    private static Map<Option, ?> castOptions(Object options) {
      return (Map<Option, ?>) options;
    }
  }
}
