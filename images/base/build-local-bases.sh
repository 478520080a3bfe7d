#!/usr/bin/env bash
# Test-environment measure: makes the base images the Dockerfiles name available to the
# container engine on a machine that cannot reach a container registry.
#
# For each base it (1) skips it when the engine already has it, (2) pulls the real image, and
# only when that pull fails (3) builds a stand-in with debootstrap --variant=minbase from Debian
# bookworm packages and tags it with the Dockerfiles' FROM reference (podman/docker import).
# On a machine with registry access step 2 succeeds and the real bases are used unchanged.
#
#   images/base/build-local-bases.sh            # every base below
#   images/base/build-local-bases.sh jre        # one of: jre python
#
# Callers may run at the same time (.ci/run starts it beside the Maven build, images/build.sh
# calls it per image): a lock per base makes the second wait for the first and find it present.
#
# Needs root and debootstrap for step 3 (apt-get install debootstrap; exit code 3 when missing).
# KILN_DEBIAN_MIRROR picks the Debian mirror (default http://deb.debian.org/debian);
# KILN_PYTHON_PACKAGES replaces the Python stand-in's package list (comma-separated): the default
# has what Python trainers and servers on Kiln commonly need (PyTorch, scikit-learn, pandas,
# FastAPI, uvicorn), about 2 GB.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../engine/engine.sh"
engine=$(kiln_engine_detect)
mirror=${KILN_DEBIAN_MIRROR:-http://deb.debian.org/debian}

# name | FROM reference (fully qualified, as docker and podman resolve the short name) |
# Debian packages | image config
bases=(
  "jre|docker.io/library/eclipse-temurin:17.0.15_6-jre-jammy|openjdk-17-jre-headless|ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64"
  "python|docker.io/library/python:3.12.8-slim-bookworm|${KILN_PYTHON_PACKAGES:-python3,python3-torch,python3-sklearn,python3-pandas,python3-fastapi,python3-uvicorn}|ENV PYTHONUNBUFFERED=1"
)

have() { "$engine" image inspect "$1" >/dev/null 2>&1; }

stand_in() { # ref packages change
  local ref=$1 packages=$2 change=$3 root
  command -v debootstrap >/dev/null || { echo "debootstrap missing: apt-get install debootstrap" >&2; exit 3; }
  root=$(mktemp -d /var/tmp/kiln-base.XXXXXX)
  trap 'rm -rf "$root"' RETURN
  echo "building a local stand-in for $ref from Debian packages: $packages" >&2
  debootstrap --variant=minbase --include="$packages" bookworm "$root" "$mirror" >"$root.log" 2>&1 \
    || { tail -20 "$root.log" >&2; rm -f "$root.log"; exit 1; }
  rm -f "$root.log"
  # What an image needs no copy of: package caches, documentation, man pages, locales.
  rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*
  tar -C "$root" -c . | "$engine" import --change "$change" \
    --change 'LABEL dev.kiln.base="local stand-in built by images/base/build-local-bases.sh"' \
    - "$ref" >/dev/null
}

wanted=("$@")
for base in "${bases[@]}"; do
  IFS='|' read -r name ref packages change <<<"$base"
  if (( ${#wanted[@]} )) && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
  exec {lock}>"/var/tmp/kiln-base-$name.lock"
  flock "$lock"
  if have "$ref"; then
    echo "$ref: present" >&2
  elif "$engine" pull -q "$ref" >/dev/null 2>&1; then
    echo "$ref: pulled" >&2
  else
    start=$SECONDS
    stand_in "$ref" "$packages" "$change"
    echo "$ref: built locally in $((SECONDS - start)) s" >&2
  fi
  exec {lock}>&-
done
