package app.photobomb.ops.platform.google;

import com.google.api.services.sqladmin.SQLAdmin;
import com.google.api.services.sqladmin.model.DatabaseInstance;
import com.google.api.services.sqladmin.model.Operation;
import com.google.api.services.sqladmin.model.User;
import java.io.IOException;
import java.util.List;

/** The Cloud SQL Admin calls of the sagas, in one project. */
public class CloudSql {

  private final SQLAdmin api;
  private final String project;

  public CloudSql(SQLAdmin api, String project) {
    this.api = api;
    this.project = project;
  }

  public DatabaseInstance instance(String name) throws IOException {
    return api.instances().get(project, name).execute();
  }

  /** Patches the settings it is given; the body's settingsVersion makes a concurrent edit fail instead of winning. */
  public Operation patch(String name, DatabaseInstance changes) throws IOException {
    return api.instances().patch(project, name, changes).execute();
  }

  /** Sets a database user's password (users.update); the value goes in the request body only. */
  public Operation setPassword(String instance, String user, String password) throws IOException {
    return api.users().update(project, instance, new User().setName(user).setPassword(password)).setName(user)
        .execute();
  }

  /** The names of the instance's database users. */
  public List<String> users(String instance) throws IOException {
    var users = api.users().list(project, instance).execute().getItems();
    return users == null ? List.of() : users.stream().map(User::getName).toList();
  }

  public Operation operation(String name) throws IOException {
    return api.operations().get(project, name).execute();
  }

  /** A finished operation's error in words, null when it succeeded. */
  public static String errorOf(Operation operation) {
    if (operation.getError() == null || operation.getError().getErrors() == null
        || operation.getError().getErrors().isEmpty()) {
      return null;
    }
    return operation.getError().getErrors().stream().map(error -> error.getCode() + ": " + error.getMessage())
        .reduce((a, b) -> a + "; " + b).orElse(null);
  }
}
