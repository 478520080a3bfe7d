package dev.kiln.sandbox.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An image in the container engine's storage, as {@code image inspect} describes it: its id and the
 * config a container of it starts with unless the pod overrides it.
 *
 * @param tag the name the engine knows it by, which containers are created from
 * @param env {@code KEY=value} entries
 */
record EngineImage(
    String tag,
    String id,
    String user,
    List<String> env,
    List<String> entrypoint,
    List<String> cmd,
    String workingDir)
    implements PulledImage {

  /** The first image of {@code image inspect}'s JSON array, as docker and podman print it. */
  static EngineImage of(String tag, JsonNode inspected) {
    JsonNode image = inspected.isArray() ? inspected.path(0) : inspected;
    JsonNode config = image.path("Config");
    return new EngineImage(
        tag,
        image.path("Id").asText(),
        config.path("User").asText(""),
        strings(config.path("Env")),
        strings(config.path("Entrypoint")),
        strings(config.path("Cmd")),
        config.path("WorkingDir").asText(""));
  }

  /** As the kubelet shows an image pulled by digest: {@code sha256:<hex>}. */
  @Override
  public String imageId() {
    return id.startsWith("sha256:") ? id : "sha256:" + id;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return List.copyOf(out);
  }
}
