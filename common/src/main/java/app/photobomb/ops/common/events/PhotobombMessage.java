package app.photobomb.ops.common.events;

/** Any message of the catalogue: its Kafka record key is the id of the aggregate it is about. */
public interface PhotobombMessage {

  String key();
}
