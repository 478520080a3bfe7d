package dev.kiln.testkit.api;

import static io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor.NAME;
import static io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor.NAMESPACE;
import static io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor.PLURAL;

import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys of a fabric8 CRUD store by plural, namespace and name, each with its position in the
 * store's (insertion-ordered) map. {@link #find} narrows a query to the keys that can match it and
 * then lets the mock's own {@link AttributeSet#matches} decide, so its answer is the one a scan of
 * the whole store gives, in the same order. Not thread-safe: the dispatcher locks around it.
 */
final class ResourceIndex {
  /** Stands for "no such attribute" (cluster-scoped objects have no namespace). */
  private static final String NONE = "";

  private static final String ANY = "*";

  /** plural → namespace → name → key → position in the store. */
  private final Map<String, Map<String, Map<String, Map<AttributeSet, Long>>>> keys =
      new HashMap<>();

  private long nextPosition;
  private int size;

  /** Adds a stored key; one already present keeps its position, as in a LinkedHashMap. */
  void add(AttributeSet key) {
    Map<AttributeSet, Long> named =
        keys.computeIfAbsent(stored(key, PLURAL), p -> new HashMap<>())
            .computeIfAbsent(stored(key, NAMESPACE), ns -> new HashMap<>())
            .computeIfAbsent(stored(key, NAME), n -> new HashMap<>());
    if (named.putIfAbsent(key, nextPosition) == null) {
      nextPosition++;
      size++;
    }
  }

  void remove(AttributeSet key) {
    Map<String, Map<String, Map<AttributeSet, Long>>> byNamespace = keys.get(stored(key, PLURAL));
    if (byNamespace == null) {
      return;
    }
    Map<String, Map<AttributeSet, Long>> byName = byNamespace.get(stored(key, NAMESPACE));
    if (byName == null) {
      return;
    }
    Map<AttributeSet, Long> named = byName.get(stored(key, NAME));
    if (named == null || named.remove(key) == null) {
      return;
    }
    size--;
    if (named.isEmpty()) {
      byName.remove(stored(key, NAME));
      if (byName.isEmpty()) {
        byNamespace.remove(stored(key, NAMESPACE));
        if (byNamespace.isEmpty()) {
          keys.remove(stored(key, PLURAL));
        }
      }
    }
  }

  void clear() {
    keys.clear();
    size = 0;
  }

  int size() {
    return size;
  }

  /** True when at least one object of this plural is stored. */
  boolean holds(String plural) {
    return keys.containsKey(plural);
  }

  /**
   * The stored keys matching {@code query}, in store order; null when the query names no single
   * plural, which only a scan of the whole store can answer.
   */
  List<AttributeSet> find(AttributeSet query) {
    String plural = exact(query, PLURAL);
    if (plural == null) {
      return null;
    }
    Map<String, Map<String, Map<AttributeSet, Long>>> byNamespace = keys.get(plural);
    if (byNamespace == null) {
      return List.of();
    }
    String namespace = exact(query, NAMESPACE);
    String name = exact(query, NAME);
    List<Map.Entry<AttributeSet, Long>> candidates = new ArrayList<>();
    for (Map<String, Map<AttributeSet, Long>> byName :
        namespace == null ? byNamespace.values() : listOf(byNamespace.get(namespace))) {
      for (Map<AttributeSet, Long> named :
          name == null ? byName.values() : listOf(byName.get(name))) {
        for (Map.Entry<AttributeSet, Long> e : named.entrySet()) {
          if (e.getKey().matches(query)) {
            candidates.add(e);
          }
        }
      }
    }
    candidates.sort(Map.Entry.comparingByValue());
    return candidates.stream().map(Map.Entry::getKey).toList();
  }

  private static <T> List<T> listOf(T nullable) {
    return nullable == null ? List.of() : List.of(nullable);
  }

  /**
   * The value a query requires for an attribute, or null when it does not pin one down (absent, a
   * selector such as != or exists, or the mock's "*" wildcard): then every bucket is searched.
   */
  private static String exact(AttributeSet query, String attribute) {
    Attribute a = query.getAttribute(attribute);
    if (a == null || a.getType() != AttributeType.WITH || a.getValues().size() != 1) {
      return null;
    }
    String value = String.valueOf(a.getValues().get(0));
    return ANY.equals(value) ? null : value;
  }

  private static String stored(AttributeSet key, String attribute) {
    Attribute a = key.getAttribute(attribute);
    return a == null || a.getValues().isEmpty() ? NONE : String.valueOf(a.getValues().get(0));
  }
}
