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

/**
 * Reads the spec or the status of a Kiln resource so that one that cannot be bound (a value of the
 * wrong JSON type) still gives a readable object: an empty one of its kind, carrying the {@link
 * Unreadable} problem and the stored JSON ({@link ReadTolerantly#setUnreadable}). The informer then
 * holds the object (one such object would otherwise fail the informer, and with it the operator's
 * start-up or every other run) and the reconciler deals with it: an unreadable spec is refused as
 * InvalidSpec, an object with an unreadable status is reported and left alone.
 *
 * <p>On the resource classes' spec and status setters, so every client and every copy (JOSDK clones
 * the primary through JSON) reads this way; {@link TolerantWriter} on the getters writes the stored
 * JSON back unchanged.
 */
public final class TolerantReader extends JsonDeserializer<ReadTolerantly>
    implements ContextualDeserializer {
  private final BeanProperty property;

  public TolerantReader() {
    this(null);
  }

  private TolerantReader(BeanProperty property) {
    this.property = property;
  }

  @Override
  public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
    return new TolerantReader(property);
  }

  @Override
  public ReadTolerantly deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JavaType type = property.getType();
    JsonNode json = ctxt.readTree(p);
    try {
      return ctxt.readTreeAsValue(json, type);
    } catch (JsonProcessingException e) {
      Object raw = ctxt.readTreeAsValue(json, Object.class);
      ReadTolerantly kind = (ReadTolerantly) ClassUtil.createInstance(type.getRawClass(), true);
      kind.setUnreadable(Unreadable.of(property.getName(), json, e, raw));
      return kind;
    }
  }
}
