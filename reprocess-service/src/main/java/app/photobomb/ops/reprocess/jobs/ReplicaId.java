package app.photobomb.ops.reprocess.jobs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** This process's name in claims: its host name and a random suffix, unique per start. */
@Component
public class ReplicaId {

  private final String value;

  public ReplicaId() {
    this.value = hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public String value() {
    return value;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "reprocess-service";
    }
  }
}
