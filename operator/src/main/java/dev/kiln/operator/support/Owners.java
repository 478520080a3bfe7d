package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;
import java.util.Optional;

/**
 * Ties an object to its owner by UID. Labels can be copied by anyone who may create pods or Jobs in
 * the namespace, so status never trusts an object for its labels alone (docs/security.md).
 */
public final class Owners {
  private Owners() {}

  /** The object's controller owner reference, if it has one. */
  public static Optional<OwnerReference> controller(HasMetadata o) {
    List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
    return refs == null
        ? Optional.empty()
        : refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }

  /** True when the object's controller is the owner with this UID; never for a null UID. */
  public static boolean controlledBy(HasMetadata o, String uid) {
    return uid != null && controller(o).map(r -> uid.equals(r.getUid())).orElse(false);
  }

  /** True when the object's controller is {@code owner} (same UID). */
  public static boolean controlledBy(HasMetadata o, HasMetadata owner) {
    return owner != null && controlledBy(o, owner.getMetadata().getUid());
  }

  /**
   * True when {@code existing} was made for an older incarnation of {@code desired}'s owner: the
   * same kind and name of controller, another UID (the owner was deleted and re-created before the
   * garbage collector removed its children).
   */
  public static boolean stale(HasMetadata existing, HasMetadata desired) {
    Optional<OwnerReference> want = controller(desired);
    Optional<OwnerReference> have = controller(existing);
    return want.isPresent()
        && have.isPresent()
        && want.get().getKind().equals(have.get().getKind())
        && want.get().getName().equals(have.get().getName())
        && !want.get().getUid().equals(have.get().getUid());
  }
}
