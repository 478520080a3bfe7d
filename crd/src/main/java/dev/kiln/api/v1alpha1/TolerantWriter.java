package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsonFormatVisitors.JsonFormatVisitorWrapper;
import java.io.IOException;

/**
 * Writes the spec or the status of a Kiln resource: one that could not be read ({@link
 * TolerantReader}) as the JSON that was stored, unchanged, so a copy of the object (JOSDK clones
 * the primary through JSON) reads as unreadable again and a write of the whole object keeps what
 * was stored; any other as its type is written. The raw JSON is written as plain maps and lists,
 * not a bean, so fabric8's serializer does not warn of fields shadowed by the same names.
 *
 * <p>On the resource classes' spec and status getters, beside {@link TolerantReader} on the
 * setters. The type's own serializer is found by its class, which carries no such annotation, so
 * this never calls itself.
 */
public final class TolerantWriter extends JsonSerializer<ReadTolerantly> {
  @Override
  public void serialize(ReadTolerantly value, JsonGenerator gen, SerializerProvider provider)
      throws IOException {
    Unreadable unreadable = value.getUnreadable();
    provider.defaultSerializeValue(unreadable == null ? value : unreadable.raw(), gen);
  }

  /** The schema (the CRD generator asks here) is the type's own. */
  @Override
  public void acceptJsonFormatVisitor(JsonFormatVisitorWrapper visitor, JavaType type)
      throws JsonMappingException {
    visitor.getProvider().findValueSerializer(type, null).acceptJsonFormatVisitor(visitor, type);
  }
}
