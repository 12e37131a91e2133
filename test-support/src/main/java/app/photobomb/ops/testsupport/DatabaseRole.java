package app.photobomb.ops.testsupport;

/**
 * The database roles of {@code deploy/database/roles.sql}. On the test and local servers each role's password is its
 * name; production sets real ones.
 */
public enum DatabaseRole {
  MIGRATOR("photobomb_ops_migrator"),
  RELAY("photobomb_ops_relay"),
  DELETION("photobomb_ops_deletion"),
  EXPORT("photobomb_ops_export"),
  REPROCESS("photobomb_ops_reprocess"),
  SCALING("photobomb_ops_scaling"),
  CDN("photobomb_ops_cdn"),
  THUMBNAIL("photobomb_ops_thumbnail"),
  PLATFORM("photobomb_ops_platform"),
  /** The photobomb-ops CLI's: status and dlq replay. */
  OPERATOR("photobomb_ops_operator");

  private final String roleName;

  DatabaseRole(String roleName) {
    this.roleName = roleName;
  }

  public String roleName() {
    return roleName;
  }

  /** The password these servers give the role. */
  public String password() {
    return roleName;
  }
}
