package app.photobomb.ops.platform.rollback;

import app.photobomb.ops.common.events.DeploymentRollbackRequested;
import app.photobomb.ops.platform.saga.Step;
import app.photobomb.ops.platform.saga.StepContext;
import app.photobomb.ops.platform.saga.StepOutcome;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * {@code kubectl rollout undo} of each worker deployment: its pod template set back to the one of its ReplicaSet with
 * the second-highest {@code deployment.kubernetes.io/revision}; undo sets it forward to the ReplicaSet it left.
 * Fabric8's {@code rolling().undo()} does the same in one call, but it chooses by revision at every call: run again
 * after a crash it would undo the undo (the controller gives the restored ReplicaSet the newest revision), so the
 * ReplicaSets are chosen once, stored by name (names stay, revisions move), and then applied.
 */
record UndoWorkers(KubernetesClient kubernetes, String namespace, DeploymentRollbackRequested command)
    implements Step {

  static final String REVISION = "deployment.kubernetes.io/revision";
  /** The label the controller adds to a ReplicaSet's template; the deployment's own template has none. */
  private static final String POD_TEMPLATE_HASH = "pod-template-hash";
  private static final String CHOSEN = "workers.chosen";

  @Override
  public String name() {
    return "undo-workers";
  }

  @Override
  public String resource() {
    return "deployments " + String.join(", ", command.workers()) + " in " + namespace
        + ": the previous ReplicaSet's pod template (kubectl rollout undo)";
  }

  @Override
  public boolean destructive() {
    return true;
  }

  @Override
  public StepOutcome run(StepContext context) {
    if (context.fact(CHOSEN).isEmpty()) {
      return choose(context);
    }
    List<String> done = new ArrayList<>();
    for (String worker : command.workers()) {
      String to = context.fact(fact(worker, "to")).orElseThrow();
      String outcome = apply(worker, to);
      if (outcome != null) {
        return StepOutcome.fail(outcome);
      }
      done.add(worker + "@" + context.fact(fact(worker, "toRevision")).orElseThrow());
    }
    context.result("workers", String.join(",", done));
    return StepOutcome.done("rolled back " + String.join(", ", done));
  }

  /** Chooses every worker's ReplicaSets before any is changed, so that a worker without a previous one changes none. */
  private StepOutcome choose(StepContext context) {
    Map<String, String> chosen = new LinkedHashMap<>();
    for (String worker : command.workers()) {
      Deployment deployment = kubernetes.apps().deployments().inNamespace(namespace).withName(worker).get();
      if (deployment == null) {
        return StepOutcome.fail("deployment " + namespace + "/" + worker + " does not exist: leave it out of workers");
      }
      List<ReplicaSet> owned = ownedNewestFirst(deployment);
      if (owned.size() < 2) {
        return StepOutcome.fail("deployment " + namespace + "/" + worker + " has no previous revision to roll back to "
            + "(ReplicaSets: " + owned.stream().map(UndoWorkers::describe).toList() + "): leave it out of workers, "
            + "or roll it by hand");
      }
      chosen.put(fact(worker, "from"), owned.get(0).getMetadata().getName());
      chosen.put(fact(worker, "fromRevision"), revisionOf(owned.get(0)));
      chosen.put(fact(worker, "to"), owned.get(1).getMetadata().getName());
      chosen.put(fact(worker, "toRevision"), revisionOf(owned.get(1)));
    }
    chosen.forEach(context::remember);
    context.remember(CHOSEN, "true");
    return StepOutcome.waitFor(Duration.ZERO, "going back to " + command.workers().stream()
        .map(worker -> worker + "@" + chosen.get(fact(worker, "toRevision")) + " (from revision "
            + chosen.get(fact(worker, "fromRevision")) + ")").collect(Collectors.joining(", ")));
  }

  @Override
  public boolean undoable() {
    return true;
  }

  @Override
  public StepOutcome undo(StepContext context) {
    List<String> restored = new ArrayList<>();
    for (String worker : command.workers()) {
      var from = context.fact(fact(worker, "from"));
      if (from.isEmpty()) {
        continue;
      }
      String outcome = apply(worker, from.get());
      if (outcome != null) {
        return StepOutcome.fail(outcome + "; set its template by hand: kubectl rollout undo deployment/" + worker
            + " -n " + namespace + " --to-revision=" + context.fact(fact(worker, "fromRevision")).orElse("?"));
      }
      restored.add(worker + "@" + context.fact(fact(worker, "fromRevision")).orElseThrow());
    }
    return StepOutcome.done(restored.isEmpty() ? "no worker was changed" : "rolled forward " + restored);
  }

  /** Sets the deployment's template to the ReplicaSet's unless it is that already; a reason when it cannot. */
  private String apply(String worker, String replicaSetName) {
    ReplicaSet replicaSet = kubernetes.apps().replicaSets().inNamespace(namespace).withName(replicaSetName).get();
    if (replicaSet == null) {
      return "ReplicaSet " + namespace + "/" + replicaSetName + " of " + worker + " is gone";
    }
    PodTemplateSpec template = withoutHash(replicaSet.getSpec().getTemplate());
    Deployment deployment = kubernetes.apps().deployments().inNamespace(namespace).withName(worker).get();
    if (deployment == null) {
      return "deployment " + namespace + "/" + worker + " is gone";
    }
    if (!template.equals(deployment.getSpec().getTemplate())) {
      kubernetes.apps().deployments().inNamespace(namespace).withName(worker).edit(current -> {
        current.getSpec().setTemplate(template);
        return current;
      });
    }
    return null;
  }

  private List<ReplicaSet> ownedNewestFirst(Deployment deployment) {
    return kubernetes.apps().replicaSets().inNamespace(namespace).list().getItems().stream()
        .filter(replicaSet -> ownedBy(replicaSet, deployment))
        .filter(replicaSet -> revisionOf(replicaSet) != null)
        .sorted(Comparator.comparingLong((ReplicaSet replicaSet) -> Long.parseLong(revisionOf(replicaSet))).reversed())
        .toList();
  }

  private static boolean ownedBy(ReplicaSet replicaSet, Deployment deployment) {
    List<OwnerReference> owners = replicaSet.getMetadata().getOwnerReferences();
    return owners != null && owners.stream().anyMatch(owner -> "Deployment".equals(owner.getKind())
        && deployment.getMetadata().getName().equals(owner.getName())
        && (owner.getUid() == null || deployment.getMetadata().getUid() == null
            || Objects.equals(owner.getUid(), deployment.getMetadata().getUid())));
  }

  private static String revisionOf(ReplicaSet replicaSet) {
    Map<String, String> annotations = replicaSet.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(REVISION);
  }

  private static PodTemplateSpec withoutHash(PodTemplateSpec template) {
    PodTemplateSpec copy = new PodTemplateSpecBuilder(template).build();
    if (copy.getMetadata() != null && copy.getMetadata().getLabels() != null) {
      Map<String, String> labels = new LinkedHashMap<>(copy.getMetadata().getLabels());
      labels.remove(POD_TEMPLATE_HASH);
      copy.getMetadata().setLabels(labels);
    }
    return copy;
  }

  private static String describe(ReplicaSet replicaSet) {
    return replicaSet.getMetadata().getName() + "@" + revisionOf(replicaSet);
  }

  private static String fact(String worker, String what) {
    return "worker." + worker + "." + what;
  }
}
