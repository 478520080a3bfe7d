package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.util.ClassUtil;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the spec of a Kiln resource so that a spec that cannot be bound (a value of the wrong JSON
 * type) still gives a readable object: an empty spec that carries the {@link UnreadableSpec}. The
 * informer then holds the object (one such object would otherwise fail the informer, and with it
 * the operator's start-up or every other run) and the reconciler refuses it as InvalidSpec.
 *
 * <p>On the resource classes' spec setters, so every client and every copy (JOSDK clones the
 * primary through JSON) reads this way; the empty spec writes the stored spec back unchanged
 * ({@link WorkloadSpec#standIn}).
 */
public final class TolerantSpecReader extends JsonDeserializer<WorkloadSpec>
    implements ContextualDeserializer {
  private final BeanProperty property;

  public TolerantSpecReader() {
    this(null);
  }

  private TolerantSpecReader(BeanProperty property) {
    this.property = property;
  }

  @Override
  public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
    return new TolerantSpecReader(property);
  }

  @Override
  public WorkloadSpec deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JavaType type = property.getType();
    JsonNode spec = ctxt.readTree(p);
    try {
      return ctxt.readTreeAsValue(spec, type);
    } catch (JsonProcessingException e) {
      Map<String, Object> raw =
          spec.isObject()
              ? ctxt.readTreeAsValue(
                  spec,
                  ctxt.getTypeFactory()
                      .constructMapType(LinkedHashMap.class, String.class, Object.class))
              : Map.of();
      WorkloadSpec kind = (WorkloadSpec) ClassUtil.createInstance(type.getRawClass(), true);
      return kind.standIn(UnreadableSpec.of(property.getName(), spec, e, raw));
    }
  }
}
