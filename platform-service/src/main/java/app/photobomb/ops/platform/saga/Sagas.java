package app.photobomb.ops.platform.saga;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** The sagas this service runs, by name. */
@Component
public class Sagas {

  private final Map<String, Saga<?>> byName;

  public Sagas(List<Saga<?>> sagas) {
    this.byName = sagas.stream().collect(Collectors.toUnmodifiableMap(Saga::name, Function.identity()));
  }

  Collection<Saga<?>> all() {
    return byName.values();
  }

  Saga<?> named(String name) {
    Saga<?> saga = byName.get(name);
    if (saga == null) {
      throw new IllegalStateException("no saga named " + name + " in this version of the service");
    }
    return saga;
  }
}
