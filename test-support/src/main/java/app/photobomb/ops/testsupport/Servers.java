package app.photobomb.ops.testsupport;

/** A running set of real servers: a Kafka broker, a PostgreSQL with logical WAL, and a Redis. */
public interface Servers extends AutoCloseable {

  ServerEndpoints endpoints();

  /** Which kind of servers these are, for logs. */
  String description();

  @Override
  void close();
}
