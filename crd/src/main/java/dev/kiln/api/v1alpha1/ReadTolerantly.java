package dev.kiln.api.v1alpha1;

/**
 * A spec or status that {@link TolerantReader} reads: one that cannot be bound is an empty one of
 * its kind carrying the problem and the stored JSON, which {@link TolerantWriter} writes back.
 */
public interface ReadTolerantly {
  /** Set only when the stored JSON could not be read. Every other field is then unset. */
  Unreadable getUnreadable();

  /** Marks an empty one of this kind as standing in for stored JSON that could not be read. */
  void setUnreadable(Unreadable problem);

  /** True when {@code specOrStatus} stands in for one that could not be read. */
  static boolean isUnreadable(Object specOrStatus) {
    return specOrStatus instanceof ReadTolerantly r && r.getUnreadable() != null;
  }
}
