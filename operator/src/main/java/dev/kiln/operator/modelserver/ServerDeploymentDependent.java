package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ServedModel;
import dev.kiln.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Objects;
import java.util.Optional;

/**
 * The Deployment serving the resolved model. With autoscaling the replica count belongs to the HPA
 * and a replace carries it over; without, a scaled Deployment is reset to spec.replicas.
 */
@KubernetesDependent(informer = @Informer(labelSelector = SpecHashDependent.SELECTOR))
public class ServerDeploymentDependent extends SpecHashDependent<Deployment> {

  /** What the Deployment is built from besides the ModelServer; the reconciler resolves it. */
  record Inputs(ServedModel model, OperatorConfig config) {}

  public ServerDeploymentDependent() {
    super(Deployment.class, ServerDeploymentDependent::build);
  }

  /** Hands the resolved model and the configuration to this reconcile's workflow. */
  static void serve(Context<ModelServer> context, ServedModel model, OperatorConfig config) {
    context
        .managedWorkflowAndDependentResourceContext()
        .put(Inputs.class, new Inputs(model, config));
  }

  private static Optional<Deployment> build(ModelServer ms, Context<ModelServer> context) {
    Inputs in =
        context
            .managedWorkflowAndDependentResourceContext()
            .getMandatory(Inputs.class, Inputs.class);
    return Optional.of(ServerDeploymentBuilder.build(ms, in.model(), in.config()));
  }

  @Override
  protected boolean outdated(Deployment observed, Deployment desired, ModelServer ms) {
    return !ServerReplicas.autoscaled(ms)
        && !Objects.equals(observed.getSpec().getReplicas(), desired.getSpec().getReplicas());
  }

  @Override
  protected Deployment carryOver(Deployment observed, Deployment desired, ModelServer ms) {
    if (ServerReplicas.autoscaled(ms) && observed.getSpec().getReplicas() != null) {
      desired.getSpec().setReplicas(observed.getSpec().getReplicas());
    }
    return desired;
  }
}
