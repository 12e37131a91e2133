package app.photobomb.ops.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The service JVMs of a run, started together and waited for, stopped together at the end. */
final class Fleet implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Fleet.class);

  private final List<ServiceProcess> services;

  private Fleet(List<ServiceProcess> services) {
    this.services = services;
  }

  static Fleet start(SuiteServers servers, FaultSettings settings) {
    List<ServiceProcess> services = new ArrayList<>();
    Fleet fleet = new Fleet(services);
    // a suite stopped by Ctrl-C must not leave its service JVMs running
    Runtime.getRuntime().addShutdownHook(new Thread(fleet::close, "fault-suite-fleet-stop"));
    try {
      for (SuiteService service : SuiteService.values()) {
        int port = freePort();
        Path logFile = settings.directory().resolve("logs").resolve(service.serviceName() + ".log");
        ServiceProcess process = ServiceProcess.of(service, settings.serviceHeap(), settings.serviceJvmOptions(),
            ServiceSettings.of(service, servers, settings.directory(), port), logFile, port);
        process.start();
        services.add(process);
      }
      long started = System.nanoTime();
      services.forEach(ServiceProcess::awaitReady);
      log.info("services ready in {} s, each in its own JVM: {}", (System.nanoTime() - started) / 1_000_000_000,
          services.stream().map(s -> s.service().serviceName()).toList());
      return fleet;
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }
  }

  /** Waits until every service is ready again (a server restart can take a service's readiness with it). */
  void awaitReady() {
    services.forEach(ServiceProcess::awaitReady);
  }

  ServiceProcess service(SuiteService service) {
    return services.stream().filter(s -> s.service() == service).findFirst().orElseThrow();
  }

  List<ServiceProcess> services() {
    return List.copyOf(services);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    services.forEach(ServiceProcess::close);
  }
}
