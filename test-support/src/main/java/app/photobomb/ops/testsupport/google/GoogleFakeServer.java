package app.photobomb.ops.testsupport.google;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Serves {@link GoogleFake}s in-process (tests: no port, no thread hop through a socket) or on a free loopback port
 * (the local stack, and a test that the wire format holds over HTTP/2), and says the client-side target:
 * {@code inprocess:NAME} or {@code 127.0.0.1:PORT} (plaintext).
 */
public final class GoogleFakeServer implements AutoCloseable {

  private static final String IN_PROCESS = "inprocess:";
  private static final String LOOPBACK = "127.0.0.1";

  private final Server server;
  private final String target;

  private GoogleFakeServer(Server server, String target) {
    this.server = server;
    this.target = target;
  }

  /** Starts the fakes on an in-process server called {@code name} (unique per test JVM). */
  public static GoogleFakeServer inProcess(String name, GoogleFake... fakes) {
    return new GoogleFakeServer(start(InProcessServerBuilder.forName(name), fakes), IN_PROCESS + name);
  }

  /** Starts the fakes on a free port of 127.0.0.1 (Netty, plaintext HTTP/2). */
  public static GoogleFakeServer loopback(GoogleFake... fakes) {
    Server server = start(NettyServerBuilder.forAddress(new InetSocketAddress(LOOPBACK, 0)), fakes);
    return new GoogleFakeServer(server, LOOPBACK + ":" + server.getPort());
  }

  /** {@code inprocess:NAME} or {@code 127.0.0.1:PORT}. */
  public String target() {
    return target;
  }

  /** A new client channel to this server (plaintext on loopback); the caller shuts it down. */
  public ManagedChannel newChannel() {
    return target.startsWith(IN_PROCESS)
        ? InProcessChannelBuilder.forName(target.substring(IN_PROCESS.length())).build()
        : ManagedChannelBuilder.forTarget(target).usePlaintext().build();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Server start(ServerBuilder<?> builder, GoogleFake... fakes) {
    for (GoogleFake fake : fakes) {
      fake.services().forEach(builder::addService);
    }
    try {
      return builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("gRPC fake server did not start", e);
    }
  }
}
