package dev.kiln.operator.report;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The in-memory view of live progress, between the report endpoint and the reconciler. Reports
 * update it at any rate; it asks for a reconcile of the job at most once per interval (and once
 * more after a burst, so the last report is written), which bounds the status writes. A job's entry
 * is keyed by its UID, so a re-created job starts afresh.
 */
public final class ProgressTracker implements AutoCloseable {
  private static final Duration FORGET_AFTER = Duration.ofHours(1);

  private final Map<ResourceID, JobView> jobs = new ConcurrentHashMap<>();
  private final Duration interval;
  private final Clock clock;
  private final double ratePerSecond;
  private final double burst;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kiln-progress");
            t.setDaemon(true);
            return t;
          });
  private volatile Consumer<ResourceID> reconcile = id -> {};

  public ProgressTracker(Duration interval, Clock clock, double ratePerSecond, double burst) {
    this.interval = interval;
    this.clock = clock;
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    long sweep = FORGET_AFTER.toMinutes();
    var unused = scheduler.scheduleAtFixedRate(this::forgetIdle, sweep, sweep, TimeUnit.MINUTES);
  }

  /** How to ask JOSDK for a reconcile of a job (the controller's inbound event source). */
  public void onProgress(Consumer<ResourceID> reconcile) {
    this.reconcile = reconcile;
  }

  /** Takes one report's worth from the job's rate limit; false means "too many reports". */
  public boolean allow(ResourceID id, String uid) {
    return view(id, uid).bucket.tryTake(System.nanoTime());
  }

  /** Records an accepted report; returns true if it was the job's first one. */
  public boolean record(ResourceID id, String uid, ProgressReport report) {
    Instant now = clock.instant();
    JobView view = view(id, uid);
    boolean first;
    boolean triggerNow = false;
    synchronized (view) {
      first = view.first == null;
      if (first) {
        view.first = report;
        view.firstAt = now;
      }
      view.latest = report;
      view.latestAt = now;
      view.count++;
      // A pending trailing trigger will pick this report up; otherwise trigger now if the
      // interval has passed, else schedule one for when it does. Triggers are thus always at
      // least one interval apart.
      if (view.triggerPending) {
        // nothing to do
      } else if (view.lastTrigger == null || !now.isBefore(view.lastTrigger.plus(interval))) {
        view.lastTrigger = now;
        triggerNow = true;
      } else {
        view.triggerPending = true;
        long delay = Duration.between(now, view.lastTrigger.plus(interval)).toMillis();
        var unused = scheduler.schedule(() -> trailing(id, view), delay, TimeUnit.MILLISECONDS);
      }
    }
    if (triggerNow) {
      reconcile.accept(id);
    }
    return first;
  }

  private void trailing(ResourceID id, JobView view) {
    synchronized (view) {
      view.triggerPending = false;
      view.lastTrigger = clock.instant();
    }
    reconcile.accept(id);
  }

  /** The live view of a job (of this UID), if it has reported since the operator started. */
  public Optional<LiveProgress> progress(ResourceID id, String uid) {
    JobView view = jobs.get(id);
    if (view == null || !view.uid.equals(uid)) {
      return Optional.empty();
    }
    synchronized (view) {
      if (view.latest == null) {
        return Optional.empty();
      }
      return Optional.of(
          LiveProgress.of(view.first, view.firstAt, view.latest, view.latestAt, view.count));
    }
  }

  /** Drops a finished or deleted job's view. */
  public void forget(ResourceID id) {
    jobs.remove(id);
  }

  private JobView view(ResourceID id, String uid) {
    return jobs.compute(
        id,
        (k, v) ->
            v != null && v.uid.equals(uid)
                ? v
                : new JobView(uid, new TokenBucket(burst, ratePerSecond, System.nanoTime())));
  }

  private void forgetIdle() {
    Instant cutoff = clock.instant().minus(FORGET_AFTER);
    jobs.values().removeIf(v -> v.latestAt == null || v.latestAt.isBefore(cutoff));
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  private static final class JobView {
    final String uid;
    final TokenBucket bucket;
    ProgressReport first;
    Instant firstAt;
    ProgressReport latest;
    Instant latestAt;
    long count;
    Instant lastTrigger;
    boolean triggerPending;

    JobView(String uid, TokenBucket bucket) {
      this.uid = uid;
      this.bucket = bucket;
    }
  }
}
