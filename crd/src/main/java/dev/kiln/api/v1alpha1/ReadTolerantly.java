package dev.kiln.api.v1alpha1;

/**
 * A spec or status that {@link TolerantReader} reads: one that cannot be bound is a stand-in
 * carrying the problem and the stored JSON.
 */
public interface ReadTolerantly {
  /** Set on a stand-in only: what could not be read. Every other field is then unset. */
  Unreadable getUnreadable();

  /**
   * An empty one of this kind standing in for stored JSON that could not be read, which writes that
   * JSON back as it was: a copy of the object (JOSDK clones through JSON) reads as unreadable
   * again, and a write of the whole object keeps what was stored. Written as a value class, not a
   * bean, so fabric8's serializer does not warn of fields shadowed by the same names.
   */
  ReadTolerantly standIn(Unreadable problem);

  /** True when {@code specOrStatus} stands in for one that could not be read. */
  static boolean isUnreadable(Object specOrStatus) {
    return specOrStatus instanceof ReadTolerantly r && r.getUnreadable() != null;
  }
}
