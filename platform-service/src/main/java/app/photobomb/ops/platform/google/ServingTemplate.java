package app.photobomb.ops.platform.google;

import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;

/**
 * The template a saga's new revision starts from: the service's template with the code and settings of the revision
 * that serves. After a traffic rollback the template still describes the release rolled back from, so a revision
 * built from the template alone would put that release live again.
 */
public final class ServingTemplate {

  private ServingTemplate() {
  }

  public static RevisionTemplate of(Service service, Revision serving) {
    RevisionTemplate.Builder template = service.getTemplate().toBuilder()
        .clearContainers().addAllContainers(serving.getContainersList())
        .clearVolumes().addAllVolumes(serving.getVolumesList())
        .setServiceAccount(serving.getServiceAccount())
        .setScaling(serving.getScaling())
        .setExecutionEnvironment(serving.getExecutionEnvironment())
        .setMaxInstanceRequestConcurrency(serving.getMaxInstanceRequestConcurrency());
    if (serving.hasTimeout()) {
      template.setTimeout(serving.getTimeout());
    }
    if (serving.hasVpcAccess()) {
      template.setVpcAccess(serving.getVpcAccess());
    }
    return template.build();
  }
}
