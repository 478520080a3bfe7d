#!/usr/bin/env bash
# Finds the container engine on this machine and prints it: "podman" or "docker" (a docker
# client whose daemon answers). Exits 1, naming what to install, when there is none.
# KILN_ENGINE=podman|docker picks one. Source it to get kiln_engine and CONTAINERS_CONF:
#   . images/engine/engine.sh && kiln_engine build ...
# For podman it points CONTAINERS_CONF at images/engine/containers.conf (runc, no default
# ulimits) unless the caller set CONTAINERS_CONF already.
kiln_engine_detect() {
  local wanted=${KILN_ENGINE:-}
  if [[ ( -z $wanted || $wanted == podman ) ]] && command -v podman >/dev/null 2>&1; then
    echo podman
  elif [[ ( -z $wanted || $wanted == docker ) ]] && command -v docker >/dev/null 2>&1 \
      && docker info >/dev/null 2>&1; then
    echo docker
  else
    echo "no container engine${wanted:+ ($wanted)} found: install podman and runc" \
      "(apt-get install podman runc), or start a docker daemon" >&2
    return 1
  fi
}

KILN_ENGINE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $(kiln_engine_detect 2>/dev/null) == podman ]]; then
  export CONTAINERS_CONF=${CONTAINERS_CONF:-$KILN_ENGINE_DIR/containers.conf}
fi

kiln_engine() {
  local engine
  engine=$(kiln_engine_detect) || return 1
  "$engine" "$@"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  kiln_engine_detect
fi
