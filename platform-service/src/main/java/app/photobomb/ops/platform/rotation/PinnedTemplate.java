package app.photobomb.ops.platform.rotation;

import app.photobomb.ops.platform.google.CloudRunService;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.RevisionTemplate;
import java.util.Map;

/** A template for the rotation's revision with its env vars pinned to the new secret versions, and how many were. */
record PinnedTemplate(RevisionTemplate template, int count) {

  /**
   * The template as a new revision named {@code revision}, every env var that names one of the secrets pinned to its
   * new version (never {@code latest}: that is the newest version whatever its state).
   */
  static PinnedTemplate of(RevisionTemplate template, String revision, Map<String, Long> versions) {
    RevisionTemplate.Builder pinned = template.toBuilder().setRevision(revision).clearContainers();
    int count = 0;
    for (Container container : template.getContainersList()) {
      Container.Builder copy = container.toBuilder().clearEnv();
      for (EnvVar env : container.getEnvList()) {
        String secret = env.hasValueSource() && env.getValueSource().hasSecretKeyRef()
            ? CloudRunService.idOf(env.getValueSource().getSecretKeyRef().getSecret()) : null;
        Long version = secret == null ? null : versions.get(secret);
        if (version == null) {
          copy.addEnv(env);
        } else {
          count++;
          copy.addEnv(env.toBuilder().setValueSource(env.getValueSource().toBuilder().setSecretKeyRef(
              env.getValueSource().getSecretKeyRef().toBuilder().setVersion(Long.toString(version)))));
        }
      }
      pinned.addContainers(copy);
    }
    return new PinnedTemplate(pinned.build(), count);
  }
}
