package app.photobomb.ops.testsupport.google;

import io.grpc.BindableService;
import java.util.List;

/** A protocol-level stand-in for one Google API: the gRPC services a {@link GoogleFakeServer} serves for it. */
public interface GoogleFake {

  /** The services to bind, all sharing this fake's state. */
  List<BindableService> services();
}
