package app.photobomb.ops.faults;

import java.util.List;

/**
 * SIGKILL of each service in turn, as the kernel's OOM killer or a node failure does (no shutdown hook runs), and a
 * restart at once, as Kubernetes restarts the container: the commands of the wave arrive while it starts.
 */
final class ServiceKills implements Fault {

  private final List<ServiceProcess> services;

  ServiceKills(List<ServiceProcess> services) {
    this.services = services;
  }

  @Override
  public String name() {
    return "SIGKILL of each service in turn";
  }

  @Override
  public int injectionsPerRound(FaultSettings settings) {
    return settings.injections() * services.size();
  }

  @Override
  public void inject(int injection, Runnable whileBroken) throws InterruptedException {
    ServiceProcess service = services.get(injection % services.size());
    service.kill();
    service.start();
    Waves.during(whileBroken, service::awaitReady);
  }
}
