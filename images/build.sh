#!/usr/bin/env bash
# Builds Kiln's images with the container engine on this machine (podman or docker, see
# images/engine/engine.sh) from the jars Maven built on the host (JARS=host), in Docker format
# so HEALTHCHECK survives (OCI image configs have no healthcheck):
#
#   ./mvnw -B -q package -DskipTests -pl operator,images/trainer,images/model-server,images/loader -am
#   images/build.sh                       # every image below
#   images/build.sh trainer model-server  # some of them
#
# Images: operator trainer model-server loader python-trainer. Tags: ghcr.io/kiln-dev/kiln-<image>
# :<version> (the example: kiln-dev/python-trainer-example:<version>). Missing base images
# are pulled, or built locally when no registry answers (images/base/build-local-bases.sh).
# KILN_IMAGE_TAG overrides the tag; extra engine build flags go in KILN_BUILD_FLAGS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/images/engine/engine.sh"
engine=$(kiln_engine_detect)
version=${KILN_IMAGE_TAG:-$(sed -n 's|.*<kiln.version>\(.*\)</kiln.version>.*|\1|p' "$root/pom.xml")}
images=("$@")
(( ${#images[@]} )) || images=(operator trainer model-server loader python-trainer)

build() { # tag dockerfile context
  local old new
  old=$("$engine" image inspect --format '{{.Id}}' "$1" 2>/dev/null || true)
  "$engine" build --format docker --build-arg JARS=host ${KILN_BUILD_FLAGS:-} -q \
    -t "$1" -f "$2" "$3" >/dev/null
  # The image the tag named before is left untagged: remove it, so rebuilds do not pile up.
  new=$("$engine" image inspect --format '{{.Id}}' "$1")
  if [[ -n $old && $old != "$new" ]]; then "$engine" rmi "$old" >/dev/null 2>&1 || true; fi
}

for image in "${images[@]}"; do
  case $image in
    operator | trainer | model-server | loader)
      jar=$root/$([[ $image == operator ]] && echo operator || echo "images/$image")/target/kiln-$image.jar
      [[ -f $jar ]] || { echo "$jar missing: build it first (./mvnw -B package -DskipTests)" >&2; exit 1; }
      "$root/images/base/build-local-bases.sh" jre
      start=$SECONDS
      build "ghcr.io/kiln-dev/kiln-$image:$version" "$root/images/$image/Dockerfile" "$root"
      ;;
    python-trainer)
      "$root/images/base/build-local-bases.sh" python
      start=$SECONDS
      build "kiln-dev/python-trainer-example:$version" "$root/examples/python-trainer/Dockerfile" \
        "$root/examples/python-trainer"
      ;;
    *) echo "unknown image $image: one of operator trainer model-server loader python-trainer" >&2; exit 2 ;;
  esac
  echo "$image: built in $((SECONDS - start)) s" >&2
done
