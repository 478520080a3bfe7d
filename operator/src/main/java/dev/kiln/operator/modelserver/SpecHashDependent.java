package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.operator.support.CreateIfMissing;
import dev.kiln.operator.support.KilnLabels;
import dev.kiln.operator.support.OwnerLabel;
import dev.kiln.operator.support.ResourceMdc;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child of a ModelServer as a JOSDK dependent, matched by its {@link SpecHash}: created when
 * missing, replaced when its hash differs, deleted by the workflow when its builder wants none
 * ({@link WantedBySpec}), and left alone otherwise, so a restarted operator writes nothing. Owner
 * references come from the builders: Kubernetes garbage-collects the children with their
 * ModelServer.
 *
 * <p>Create, replace and match are Kiln's, not JOSDK's defaults, which are server-side apply (the
 * fabric8 mock API server in CRUD mode does not implement it:
 * https://github.com/fabric8io/mockwebserver/issues/76,
 * https://github.com/fabric8io/kubernetes-client/issues/5360) or, without it, a merge into the
 * observed object. A full replace under optimistic locking sets lists exactly on any API server,
 * and one code path serves production and tests. Server-side apply can take over once the mock
 * server implements it.
 */
public abstract class SpecHashDependent<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, ModelServer> {
  /**
   * The informers see only Kiln's model-server children: {@link OwnerLabel#selector} spelled as a
   * constant, since the dependents' annotations need one.
   */
  static final String SELECTOR = KilnLabels.MANAGED_SELECTOR + "," + KilnLabels.MODEL_SERVER;

  private static final Logger log = LoggerFactory.getLogger(ModelServerReconciler.class);

  /**
   * A create answered "already exists" for a child the informer has not seen yet: the reconciler
   * looks again shortly instead of retrying with backoff.
   */
  static final class NotCachedYet extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotCachedYet(HasMetadata child) {
      super(child.getKind() + " " + child.getMetadata().getName() + " already exists");
    }
  }

  /** The desired child from a pure builder; empty when the spec wants none. */
  @FunctionalInterface
  interface Desired<R> {
    Optional<R> build(ModelServer ms, Context<ModelServer> context);
  }

  private final Desired<R> builder;

  protected SpecHashDependent(Class<R> kind, Desired<R> builder) {
    super(kind);
    this.builder = builder;
  }

  /** A field the hash does not cover but a replace must reset (the Deployment's replicas). */
  protected boolean outdated(R observed, R desired, ModelServer ms) {
    return false;
  }

  /** What a replace keeps of the observed child: fields the API server or the HPA own. */
  protected R carryOver(R observed, R desired, ModelServer ms) {
    return desired;
  }

  boolean wanted(ModelServer ms, Context<ModelServer> context) {
    return builder.build(ms, context).isPresent();
  }

  @Override
  protected R desired(ModelServer ms, Context<ModelServer> context) {
    return builder.build(ms, context).orElseThrow();
  }

  /** Every child has the ModelServer's name, so finding it needs no desired state. */
  @Override
  protected ResourceID targetSecondaryResourceID(ModelServer ms, Context<ModelServer> context) {
    return new ResourceID(ModelServerNames.name(ms), ms.getMetadata().getNamespace());
  }

  @Override
  public Result<R> match(R observed, ModelServer ms, Context<ModelServer> context) {
    R desired = desired(ms, context);
    boolean same =
        Objects.equals(SpecHash.of(observed), SpecHash.of(desired))
            && !outdated(observed, desired, ms);
    return Result.computed(same, desired);
  }

  @Override
  public R create(R desired, ModelServer ms, Context<ModelServer> context) {
    return CreateIfMissing.create(context.getClient(), desired)
        .orElseThrow(() -> new NotCachedYet(desired));
  }

  /** A full replace under optimistic locking. */
  @Override
  public R update(R observed, R desired, ModelServer ms, Context<ModelServer> context) {
    R replacement = carryOver(observed, desired, ms);
    replacement.getMetadata().setResourceVersion(observed.getMetadata().getResourceVersion());
    log.info("updating {} {}", replacement.getKind(), replacement.getMetadata().getName());
    return context.getClient().resource(replacement).update();
  }

  @Override
  protected void handleDelete(ModelServer ms, R observed, Context<ModelServer> context) {
    if (observed != null) {
      context.getClient().resource(observed).delete();
      log.info("deleted {} {}", observed.getKind(), observed.getMetadata().getName());
    }
  }

  /**
   * Keeps what was done, so the reconciler can tell a create or a replace from no change. The
   * workflow runs on its own threads: the log context is set here again.
   */
  @Override
  public ReconcileResult<R> reconcile(ModelServer ms, Context<ModelServer> context) {
    try (var ignored = ResourceMdc.put(ms)) {
      ReconcileResult<R> result = super.reconcile(ms, context);
      context.managedWorkflowAndDependentResourceContext().put(resultKey(resourceType()), result);
      return result;
    }
  }

  @Override
  public void delete(ModelServer ms, Context<ModelServer> context) {
    try (var ignored = ResourceMdc.put(ms)) {
      super.delete(ms, context);
    }
  }

  /** What the workflow did to the child of this kind in this reconcile, if it reconciled it. */
  @SuppressWarnings("unchecked")
  static <R> Optional<ReconcileResult<R>> result(Context<ModelServer> context, Class<R> kind) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .get(resultKey(kind), ReconcileResult.class)
        .map(r -> (ReconcileResult<R>) r);
  }

  private static String resultKey(Class<?> kind) {
    return SpecHashDependent.class.getName() + "/" + kind.getName();
  }
}
