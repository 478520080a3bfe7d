package dev.kiln.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * Reads the Kubernetes protobuf encoding ({@code application/vnd.kubernetes.protobuf}: the magic
 * {@code k8s\0}, then a {@code runtime.Unknown} holding the type and the object) into the JSON the
 * store keeps. kubectl's typed clients send built-in objects so ({@code kubectl create namespace},
 * {@code create secret}, {@code create configmap}, {@code create serviceaccount}); the mock reads
 * only JSON. The field numbers are those of Kubernetes' {@code generated.proto} (core/v1, meta/v1,
 * runtime) for exactly these kinds; any other kind is refused naming the ones read. Pure.
 */
final class KubeProtobuf {
  static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] MAGIC = {'k', '8', 's', 0};

  private enum Type {
    STRING,
    BYTES,
    INT64,
    BOOL,
    TIME,
    MESSAGE,
    STRINGS,
    MESSAGES,
    STRING_MAP,
    BYTES_MAP
  }

  /** One field of a message: its JSON name, its type and, for messages, their fields. */
  private record Field(String name, Type type, Map<Integer, Field> message) {
    static Field of(String name, Type type) {
      return new Field(name, type, Map.of());
    }
  }

  private static final Map<Integer, Field> OWNER_REFERENCE =
      Map.of(
          5, Field.of("apiVersion", Type.STRING),
          1, Field.of("kind", Type.STRING),
          3, Field.of("name", Type.STRING),
          4, Field.of("uid", Type.STRING),
          6, Field.of("controller", Type.BOOL),
          7, Field.of("blockOwnerDeletion", Type.BOOL));

  private static final Map<Integer, Field> OBJECT_META =
      Map.ofEntries(
          Map.entry(1, Field.of("name", Type.STRING)),
          Map.entry(2, Field.of("generateName", Type.STRING)),
          Map.entry(3, Field.of("namespace", Type.STRING)),
          Map.entry(5, Field.of("uid", Type.STRING)),
          Map.entry(6, Field.of("resourceVersion", Type.STRING)),
          Map.entry(7, Field.of("generation", Type.INT64)),
          Map.entry(8, Field.of("creationTimestamp", Type.TIME)),
          Map.entry(9, Field.of("deletionTimestamp", Type.TIME)),
          Map.entry(10, Field.of("deletionGracePeriodSeconds", Type.INT64)),
          Map.entry(11, Field.of("labels", Type.STRING_MAP)),
          Map.entry(12, Field.of("annotations", Type.STRING_MAP)),
          Map.entry(13, new Field("ownerReferences", Type.MESSAGES, OWNER_REFERENCE)),
          Map.entry(14, Field.of("finalizers", Type.STRINGS)));

  private static final Field METADATA = new Field("metadata", Type.MESSAGE, OBJECT_META);

  private static final Map<Integer, Field> OBJECT_REFERENCE =
      Map.of(
          1, Field.of("kind", Type.STRING),
          2, Field.of("namespace", Type.STRING),
          3, Field.of("name", Type.STRING),
          4, Field.of("uid", Type.STRING),
          5, Field.of("apiVersion", Type.STRING),
          6, Field.of("resourceVersion", Type.STRING),
          7, Field.of("fieldPath", Type.STRING));

  /** The kinds read, by {@code apiVersion/kind}. */
  private static final Map<String, Map<Integer, Field>> KINDS =
      Map.of(
          "v1/Namespace",
          Map.of(
              1, METADATA,
              2, new Field("spec", Type.MESSAGE, Map.of(1, Field.of("finalizers", Type.STRINGS))),
              3, new Field("status", Type.MESSAGE, Map.of(1, Field.of("phase", Type.STRING)))),
          "v1/Secret",
          Map.of(
              1, METADATA,
              2, Field.of("data", Type.BYTES_MAP),
              3, Field.of("type", Type.STRING),
              4, Field.of("stringData", Type.STRING_MAP),
              5, Field.of("immutable", Type.BOOL)),
          "v1/ConfigMap",
          Map.of(
              1, METADATA,
              2, Field.of("data", Type.STRING_MAP),
              3, Field.of("binaryData", Type.BYTES_MAP),
              4, Field.of("immutable", Type.BOOL)),
          "v1/ServiceAccount",
          Map.of(
              1,
              METADATA,
              2,
              new Field("secrets", Type.MESSAGES, OBJECT_REFERENCE),
              3,
              new Field(
                  "imagePullSecrets", Type.MESSAGES, Map.of(1, Field.of("name", Type.STRING))),
              4,
              Field.of("automountServiceAccountToken", Type.BOOL)));

  private KubeProtobuf() {}

  /** Whether a Content-Type header names the protobuf encoding. */
  static boolean isProtobuf(String contentType) {
    return contentType != null && contentType.startsWith(CONTENT_TYPE);
  }

  /**
   * The object as JSON.
   *
   * @throws IllegalArgumentException if the body is not Kubernetes protobuf, or holds a kind this
   *     reader does not know (naming the ones it knows)
   */
  static ObjectNode toJson(byte[] body) {
    if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
      throw new IllegalArgumentException("not a Kubernetes protobuf message (no k8s\\0 prefix)");
    }
    Reader unknown = new Reader(Arrays.copyOfRange(body, MAGIC.length, body.length));
    String apiVersion = "";
    String kind = "";
    byte[] raw = new byte[0];
    while (unknown.more()) {
      int tag = unknown.varint32();
      if (tag >>> 3 == 1 && (tag & 7) == 2) {
        Reader typeMeta = new Reader(unknown.bytes());
        while (typeMeta.more()) {
          int t = typeMeta.varint32();
          if (t >>> 3 == 1 && (t & 7) == 2) {
            apiVersion = typeMeta.string();
          } else if (t >>> 3 == 2 && (t & 7) == 2) {
            kind = typeMeta.string();
          } else {
            typeMeta.skip(t & 7);
          }
        }
      } else if (tag >>> 3 == 2 && (tag & 7) == 2) {
        raw = unknown.bytes();
      } else {
        unknown.skip(tag & 7);
      }
    }
    Map<Integer, Field> fields = KINDS.get(apiVersion + "/" + kind);
    if (fields == null) {
      throw new IllegalArgumentException(
          "the sandbox reads protobuf only for Namespaces, Secrets, ConfigMaps and"
              + " ServiceAccounts, not "
              + apiVersion
              + " "
              + kind
              + "; send it as JSON (kubectl apply -f)");
    }
    ObjectNode object = JSON.createObjectNode();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    object.setAll(message(new Reader(raw), fields));
    return object;
  }

  private static ObjectNode message(Reader in, Map<Integer, Field> fields) {
    ObjectNode out = JSON.createObjectNode();
    while (in.more()) {
      int tag = in.varint32();
      Field f = fields.get(tag >>> 3);
      if (f == null) {
        in.skip(tag & 7);
        continue;
      }
      switch (f.type()) {
        case STRING -> {
          String s = in.string();
          if (!s.isEmpty()) {
            out.put(f.name(), s);
          }
        }
        case BYTES -> out.put(f.name(), Base64.getEncoder().encodeToString(in.bytes()));
        case INT64 -> {
          long v = in.varint();
          if (v != 0) {
            out.put(f.name(), v);
          }
        }
        case BOOL -> out.put(f.name(), in.varint() != 0);
        case TIME -> {
          Reader time = new Reader(in.bytes());
          long seconds = 0;
          while (time.more()) {
            int t = time.varint32();
            if (t >>> 3 == 1 && (t & 7) == 0) {
              seconds = time.varint();
            } else {
              time.skip(t & 7);
            }
          }
          if (seconds != 0) {
            out.put(f.name(), Instant.ofEpochSecond(seconds).toString());
          }
        }
        case MESSAGE -> {
          ObjectNode m = message(new Reader(in.bytes()), f.message());
          if (!m.isEmpty()) {
            out.set(f.name(), m);
          }
        }
        case STRINGS -> array(out, f.name()).add(in.string());
        case MESSAGES -> array(out, f.name()).add(message(new Reader(in.bytes()), f.message()));
        case STRING_MAP, BYTES_MAP -> {
          Reader entry = new Reader(in.bytes());
          String key = "";
          String value = "";
          while (entry.more()) {
            int t = entry.varint32();
            if (t >>> 3 == 1 && (t & 7) == 2) {
              key = entry.string();
            } else if (t >>> 3 == 2 && (t & 7) == 2) {
              byte[] v = entry.bytes();
              value =
                  f.type() == Type.BYTES_MAP
                      ? Base64.getEncoder().encodeToString(v)
                      : new String(v, StandardCharsets.UTF_8);
            } else {
              entry.skip(t & 7);
            }
          }
          JsonNode map = out.get(f.name());
          (map instanceof ObjectNode o ? o : out.putObject(f.name())).put(key, value);
        }
      }
    }
    return out;
  }

  private static ArrayNode array(ObjectNode out, String name) {
    JsonNode existing = out.get(name);
    return existing instanceof ArrayNode a ? a : out.putArray(name);
  }

  /** The protobuf wire format, as far as these messages need it. */
  private static final class Reader {
    private final byte[] data;
    private int at;

    Reader(byte[] data) {
      this.data = data;
    }

    boolean more() {
      return at < data.length;
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (at >= data.length) {
          throw new IllegalArgumentException("truncated protobuf message");
        }
        byte b = data[at++];
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("malformed varint in protobuf message");
    }

    int varint32() {
      return (int) varint();
    }

    byte[] bytes() {
      long length = varint();
      if (length < 0 || at + length > data.length) {
        throw new IllegalArgumentException("truncated protobuf message");
      }
      byte[] out = Arrays.copyOfRange(data, at, at + (int) length);
      at += (int) length;
      return out;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    void skip(int wireType) {
      switch (wireType) {
        case 0 -> varint();
        case 1 -> at += 8;
        case 2 -> bytes();
        case 5 -> at += 4;
        default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wireType);
      }
      if (at > data.length) {
        throw new IllegalArgumentException("truncated protobuf message");
      }
    }
  }
}
