package app.photobomb.ops.common.events;

/**
 * One message of the catalogue: its CloudEvents type, its topic (without prefix), the record it binds to,
 * whether it is a command or an event, and the JSON Schema that is its wire contract.
 */
public record MessageType<T extends PhotobombMessage>(String name, String topic, Class<T> payloadType, Kind kind) {

  /** A command asks for an operation (accepted only from permitted sources); an event states a fact. */
  public enum Kind {
    COMMAND, EVENT
  }

  public boolean isCommand() {
    return kind == Kind.COMMAND;
  }

  /** CloudEvents {@code ce_type} of this message. */
  public String ceType() {
    return "app.photobomb." + name;
  }

  /** Class-path location of the JSON Schema of this message. */
  public String schemaPath() {
    return "schemas/" + topic + ".schema.json";
  }
}
