package app.photobomb.ops.common.database;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which schemas a service migrates ({@code photobomb.database.*}, e.g. {@code PHOTOBOMB_DATABASE_PHOTOBOMB_SCHEMA}).
 *
 * @param photobombSchema {@code external} where the photobomb API owns users, photos, ... (production), {@code manage}
 *     where this project owns the database and migrates that schema too (docker compose, a database of your own)
 */
@ConfigurationProperties("photobomb.database")
public record DatabaseProperties(@DefaultValue("external") SchemaOwnership photobombSchema) {

  /** Who migrates the photobomb schema. */
  public enum SchemaOwnership {
    /** The photobomb API: this project only reads and changes rows, as its role allows. */
    EXTERNAL,
    /** This project: its migrations in {@code db/photobomb} run before the ops migrations. */
    MANAGE
  }
}
