#!/usr/bin/env bash
# Test-environment measure: makes the base images the Dockerfiles name available to the
# container engine on a machine that cannot reach a container registry.
#
# For each base reference it (1) skips it when the engine already has it, (2) pulls the real
# image, and only when that pull fails (3) tags a stand-in built with debootstrap
# --variant=minbase from Debian bookworm packages (podman/docker import) with the reference. One
# stand-in serves every reference of its line below: the JRE for Kiln's images; Python for the
# Python examples' and the e2e test images' bases (python:3.12.8-slim-bookworm, python:3.11-slim,
# the pytorch/pytorch images), built once and tagged with each. On a machine with registry
# access step 2 succeeds and the real bases are used unchanged.
#
#   images/base/build-local-bases.sh            # every base below
#   images/base/build-local-bases.sh jre        # one of: jre python
#
# The Python stand-in has no package index to install from: its /etc/pip.conf makes
# `pip install -r requirements.txt` accept what Debian's packages already installed (no-index,
# no-deps; Debian's fastapi declares a starlette it does not ship) and fail, naming the package,
# for anything else. A stand-in is labelled dev.kiln.base with its recipe; one whose recipe
# changed since it was built is built again.
#
# Callers may run at the same time (.ci/run starts it beside the Maven build, images/build.sh
# calls it per image, the sandbox's container-mode tests before they start): a lock per base
# makes the second wait for the first and find it present.
#
# Needs root and debootstrap for step 3 (apt-get install debootstrap; exit code 3 when missing).
# KILN_DEBIAN_MIRROR picks the Debian mirror (default http://deb.debian.org/debian);
# KILN_PYTHON_PACKAGES replaces the Python stand-in's package list (comma-separated): the default
# has what Python trainers and servers on Kiln commonly need (PyTorch, scikit-learn, pandas,
# FastAPI, uvicorn), about 2 GB, with `python` and `pip` as the official images have them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../engine/engine.sh"
engine=$(kiln_engine_detect)
mirror=${KILN_DEBIAN_MIRROR:-http://deb.debian.org/debian}

# name | FROM references (fully qualified, as docker and podman resolve the short names) |
# Debian packages | image config
bases=(
  "jre|docker.io/library/eclipse-temurin:17.0.15_6-jre-jammy|openjdk-17-jre-headless|ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64"
  "python|docker.io/library/python:3.12.8-slim-bookworm docker.io/library/python:3.11-slim docker.io/pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime docker.io/pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime|${KILN_PYTHON_PACKAGES:-python3,python-is-python3,python3-pip,python3-torch,python3-sklearn,python3-pandas,python3-fastapi,python3-uvicorn}|ENV PYTHONUNBUFFERED=1"
)

have() { "$engine" image inspect "$1" >/dev/null 2>&1; }

# The recipe of a stand-in: what it is built from. A present stand-in with another is rebuilt.
recipe() { echo "bookworm $2 $3 pip.conf-1" | sha256sum | cut -c1-16; }

label() { # ref name: the image's label, empty when it has none
  "$engine" image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null \
    | sed 's/^<no value>$//'
}

stand_in() { # ref packages change recipe
  local ref=$1 packages=$2 change=$3 recipe=$4 root
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
  if [[ -x $root/usr/bin/pip ]]; then
    # No index reachable: pip installs nothing new and accepts what Debian installed.
    printf '%s\n' '# images/base/build-local-bases.sh: a stand-in without a package index' \
      '[global]' 'no-index = true' 'break-system-packages = true' \
      '[install]' 'no-deps = true' >"$root/etc/pip.conf"
  fi
  tar -C "$root" -c . | "$engine" import --change "$change" \
    --change 'LABEL dev.kiln.base="local stand-in built by images/base/build-local-bases.sh"' \
    --change "LABEL dev.kiln.base.recipe=$recipe" \
    - "$ref" >/dev/null
}

wanted=("$@")
for base in "${bases[@]}"; do
  IFS='|' read -r name refs packages change <<<"$base"
  if (( ${#wanted[@]} )) && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
  exec {lock}>"/var/tmp/kiln-base-$name.lock"
  flock "$lock"
  want=$(recipe "$name" "$packages" "$change")
  built= # the stand-in made (or found current) for an earlier reference of this line
  for ref in $refs; do
    if have "$ref" && [[ -z $(label "$ref" dev.kiln.base) ]]; then
      echo "$ref: present" >&2
    elif have "$ref" && [[ $(label "$ref" dev.kiln.base.recipe) == "$want" ]]; then
      echo "$ref: present (local stand-in)" >&2
      built=$ref
    elif ! have "$ref" && "$engine" pull -q "$ref" >/dev/null 2>&1; then
      echo "$ref: pulled" >&2
    elif [[ -n $built ]]; then
      "$engine" tag "$built" "$ref"
      echo "$ref: the local stand-in of $built" >&2
    else
      start=$SECONDS
      stand_in "$ref" "$packages" "$change" "$want"
      built=$ref
      echo "$ref: built locally in $((SECONDS - start)) s" >&2
    fi
  done
  exec {lock}>&-
done
