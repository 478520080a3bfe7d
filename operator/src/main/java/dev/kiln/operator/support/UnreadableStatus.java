package dev.kiln.operator.support;

import dev.kiln.api.v1alpha1.ReadTolerantly;
import dev.kiln.api.v1alpha1.Unreadable;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An object whose status Kiln cannot read (a value of the wrong JSON type, written by another tool
 * or under another CRD: {@link dev.kiln.api.v1alpha1.TolerantReader}) is left alone: nothing is
 * created and no status is written, since a write would replace what is stored. It is reported once
 * per problem (one warning in the log, one Warning Event naming the field) and looked at again on
 * its next change or at the operator's periodic check of every resource (KilnOperator's
 * MAX_INTERVAL): a status-only change, such as the fix, is no event for JOSDK, which reconciles on
 * a new generation.
 */
public final class UnreadableStatus {
  /** The Warning Event's reason. */
  public static final String REASON = "StatusUnreadable";

  private static final Logger log = LoggerFactory.getLogger(UnreadableStatus.class);

  private final EventRecorder events;
  private final Map<ResourceID, String> reported = new ConcurrentHashMap<>();

  public UnreadableStatus(EventRecorder events) {
    this.events = events;
  }

  /**
   * True when {@code resource}'s status cannot be read: it is then reported, unless it was already
   * with this problem, and must be left alone.
   */
  public boolean leaveAlone(HasMetadata resource, Object status) {
    ResourceID id = ResourceID.fromResource(resource);
    if (!ReadTolerantly.isUnreadable(status)) {
      reported.remove(id);
      return false;
    }
    Unreadable unreadable = ((ReadTolerantly) status).getUnreadable();
    String problem = Scrubber.scrub(unreadable.problem());
    if (!problem.equals(reported.put(id, problem))) {
      log.warn(
          "{} {}/{} is left alone: {}; Kiln creates nothing and writes no status until the status"
              + " can be read",
          resource.getKind(),
          resource.getMetadata().getNamespace(),
          resource.getMetadata().getName(),
          problem);
      events.warning(
          resource,
          REASON,
          problem
              + ". Kiln leaves this object alone (creates nothing, writes no status, so nothing"
              + " stored is replaced) until the status can be read: correct or remove the field.");
    }
    return true;
  }
}
