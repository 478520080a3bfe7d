package dev.kiln.sandbox.cluster;

/**
 * The image of a container once the kubelet has it: the id its status shows, and the user it runs
 * as unless the pod says otherwise (what {@link RunAsNonRoot} checks). A host process runs a {@link
 * LocalImage}; a container engine's image is an {@link EngineImage}.
 */
interface PulledImage {
  /** The status's {@code imageID}. */
  String imageId();

  /** The image's USER ({@code uid[:gid]} or a name); null or empty when it sets none (root). */
  String user();
}
