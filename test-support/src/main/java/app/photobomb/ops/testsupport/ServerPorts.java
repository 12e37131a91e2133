package app.photobomb.ops.testsupport;

/** Ports to start PostgreSQL and Redis on; 0 picks a free one. Kafka's KRaft test kit always picks its own. */
public record ServerPorts(int postgres, int redis) {

  public static final ServerPorts ANY_FREE = new ServerPorts(0, 0);
}
