package dev.kiln.testkit.api;

import static io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor.NAME;
import static io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor.PLURAL;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesResponseComposer;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.HttpURLConnection;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fabric8's CRUD-mode dispatcher with indexed lookups. The stock one finds an object by testing
 * every stored key, so a request costs O(objects stored) and N TrainingJobs cost O(N²). Here get,
 * list and the lookup behind every create (409 on duplicates), update and patch go through a {@link
 * ResourceIndex} by plural, namespace and name. Everything else stays fabric8's own code: the
 * handlers (resourceVersion, generation, /status, merge and JSON patch), watches, discovery and
 * deletes (rare; they still scan).
 */
public class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
  private static final Logger log = LoggerFactory.getLogger(IndexedCrudDispatcher.class);

  /**
   * Guards the index together with the store: fabric8's own lock is private, and this class's reads
   * do not go through it. Always taken before fabric8's, so the two cannot deadlock.
   */
  private final ReadWriteLock lock = new ReentrantReadWriteLock();

  private final ResourceIndex index = new ResourceIndex();

  /** fabric8's counter is private; lists report the latest version handed out, as it does. */
  private final AtomicLong lastResourceVersion = new AtomicLong();

  private int rebuilds;

  /**
   * Every write (create, update, patch, delete) under the write lock, fabric8's handlers unchanged;
   * a read takes the read lock in {@link #handleGet}.
   */
  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (request.method() == HttpMethod.GET) {
      return super.dispatch(request);
    }
    return guarded(lock.writeLock(), () -> super.dispatch(request));
  }

  @Override
  public MockResponse handleGet(String path) {
    if (path.contains("watch=")) {
      return super.handleGet(path); // fabric8 decides whether it is a watch and serves it
    }
    return guarded(lock.readLock(), () -> indexedGet(path));
  }

  private MockResponse indexedGet(String path) {
    AttributeSet query = attributeExtractor.fromPath(path);
    List<AttributeSet> found = index.find(query);
    boolean named = query.containsKey(NAME);
    if (found == null || (found.isEmpty() && !named && !index.holds(plural(query)))) {
      // No plural to look up, or nothing of it stored: maybe discovery (/apis/group/version),
      // which fabric8 answers from its CRD registry.
      return super.handleGet(path);
    }
    List<String> items = new ArrayList<>(found.size());
    for (AttributeSet key : found) {
      String item = map.get(key);
      if (item != null) {
        items.add(item);
      }
    }
    MockResponse response = new MockResponse();
    if (named) {
      return items.isEmpty()
          ? response.setResponseCode(HttpURLConnection.HTTP_NOT_FOUND)
          : response.setResponseCode(HttpURLConnection.HTTP_OK).setBody(items.get(0));
    }
    String list =
        ((KubernetesResponseComposer) responseComposer)
            .compose(items, String.valueOf(lastResourceVersion.get()));
    return response.setResponseCode(HttpURLConnection.HTTP_OK).setBody(list);
  }

  /** The lookup the create, update and patch handlers make (under the write lock). */
  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
    List<AttributeSet> found = index.find(attributes);
    if (found == null) {
      return super.findResource(attributes);
    }
    for (AttributeSet key : found) {
      String item = map.get(key);
      if (item != null) {
        return new AbstractMap.SimpleImmutableEntry<>(key, item);
      }
    }
    return null;
  }

  /** Every change to the store passes here (under the write lock); the index follows it. */
  @Override
  public void processEvent(
      String path,
      AttributeSet pathAttributes,
      AttributeSet oldAttributes,
      GenericKubernetesResource resource,
      String newState) {
    // The key fabric8 stores the new state under, derived the same way and before the change,
    // since a CRD being stored changes how later keys are derived.
    AttributeSet newKey = newState == null ? null : storedKey(pathAttributes, resource, newState);
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    if (oldAttributes != null) {
      index.remove(oldAttributes);
    }
    if (newKey != null) {
      if (map.containsKey(newKey)) {
        index.add(newKey);
      } else {
        rebuild(); // fabric8 derived its key another way: correct, if slow, beats wrong
      }
    }
  }

  private AttributeSet storedKey(
      AttributeSet pathAttributes, GenericKubernetesResource resource, String newState) {
    KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) attributeExtractor;
    AttributeSet key =
        resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
    return key.containsKey(PLURAL) ? key : AttributeSet.merge(pathAttributes, key);
  }

  private void rebuild() {
    rebuilds++;
    log.warn("the index lost track of the store; rebuilding it ({} times so far)", rebuilds);
    index.clear();
    synchronized (map) {
      map.keySet().forEach(index::add);
    }
  }

  @Override
  public long requestResourceVersion() {
    long version = super.requestResourceVersion();
    lastResourceVersion.accumulateAndGet(version, Math::max);
    return version;
  }

  @Override
  public void reset() {
    guarded(
        lock.writeLock(),
        () -> {
          super.reset();
          index.clear();
          return null;
        });
  }

  /** Objects in the index; equals the store's size unless something bypassed the dispatcher. */
  int indexedObjects() {
    return guarded(lock.readLock(), index::size);
  }

  /** How often the index had to be rebuilt from the store (0 when it tracks fabric8 exactly). */
  int rebuilds() {
    return guarded(lock.readLock(), () -> rebuilds);
  }

  private static String plural(AttributeSet query) {
    Attribute a = query.getAttribute(PLURAL);
    return a == null || a.getValues().isEmpty() ? "" : String.valueOf(a.getValues().get(0));
  }

  private static <T> T guarded(Lock lock, Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }
}
