package app.photobomb.ops.faults;

import java.util.List;

/**
 * SIGKILL of each service in turn, as the kernel's OOM killer or a node failure does (no shutdown hook runs), and a
 * restart at once, as Kubernetes restarts the container: the commands of the wave arrive while it starts. Or, for a
 * short round, every service killed at the same moment (a node with all of them on it).
 */
final class ServiceKills implements Fault {

  private final List<ServiceProcess> services;
  private final boolean together;

  ServiceKills(List<ServiceProcess> services, boolean together) {
    this.services = services;
    this.together = together;
  }

  @Override
  public String name() {
    return together ? "SIGKILL of every service at once" : "SIGKILL of each service in turn";
  }

  @Override
  public int injectionsPerRound(FaultSettings settings) {
    return together ? settings.injections() : settings.injections() * services.size();
  }

  @Override
  public void inject(int injection, Runnable whileBroken) throws InterruptedException {
    List<ServiceProcess> killed = together ? services : List.of(services.get(injection % services.size()));
    for (ServiceProcess service : killed) {
      service.kill();
    }
    killed.forEach(ServiceProcess::start);
    Waves.during(whileBroken, () -> killed.forEach(ServiceProcess::awaitReady));
  }
}
