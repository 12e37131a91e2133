package app.photobomb.ops.testsupport;

/** Ports to start the embedded servers on; 0 picks a free one. */
public record ServerPorts(int kafka, int postgres, int redis) {

  public static final ServerPorts ANY_FREE = new ServerPorts(0, 0, 0);
}
