#!/usr/bin/env bash
# Builds the sandbox image of each enabled language (WEBCOMPILE_LANGUAGES, default all with a
# Dockerfile under images/) when it is missing or its Dockerfile/scripts changed. Each image is then
# labelled with the toolchain version it reports, so /api/languages never shows a typed-in version.
# Builds run in parallel, at most WEBCOMPILE_BUILD_JOBS (default 3) at once: each is mostly download
# and unpack, and more than that only makes them fight over two cores and the disk. The stage that
# compiles wc-agent is the same in every Dockerfile; it is built once first, so that the parallel
# builds take it from the build cache instead of each installing gcc.
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX="${WEBCOMPILE_IMAGE_PREFIX:-webcompile/}"
BASE_IMAGE="${WEBCOMPILE_BASE_IMAGE:-webcompile/base:bookworm}"
JOBS="${WEBCOMPILE_BUILD_JOBS:-3}"
log() { echo "[images] $*" >&2; }

if [ -n "${WEBCOMPILE_LANGUAGES:-}" ]; then
  IFS=',' read -r -a langs <<<"$WEBCOMPILE_LANGUAGES"
else
  langs=()
  for d in images/*/; do
    d="${d%/}"; id="${d#images/}"
    [ -f "$d/Dockerfile" ] && langs+=("$id")
  done
fi

# The content hash of what goes into an image decides whether it must be rebuilt.
source_hash() { find "images/$1" images/common -type f | sort | xargs cat | sha256sum | cut -c1-16; }
up_to_date() {
  [ "$(docker image inspect -f '{{ index .Config.Labels "webcompile.source" }}' "${PREFIX}$1:latest" 2>/dev/null || true)" = "$(source_hash "$1")" ]
}

build_one() {
  local id="$1" image="${PREFIX}${1}:latest"
  local hash
  hash="$(source_hash "$id")"
  log "building $image"
  local buildlog="/tmp/webcompile-build-${PREFIX//\//-}$id.log"
  docker build -q --network host --build-arg "BASE=$BASE_IMAGE" -t "$image.tmp" -f "images/$id/Dockerfile" images >"$buildlog" 2>&1 || {
    log "building $image failed:"; tail -30 "$buildlog" >&2; return 1; }
  local version
  version="$(docker run --rm --network none --entrypoint cat "$image.tmp" /etc/webcompile/version | head -n1)"
  printf 'FROM %s\nLABEL webcompile.version="%s" webcompile.source="%s"\n' "$image.tmp" "${version//\"/}" "$hash" \
    | docker build -q -t "$image" - >>"$buildlog" 2>&1 || { log "labelling $image failed:"; tail -5 "$buildlog" >&2; return 1; }
  docker rmi "$image.tmp" >/dev/null
  log "built $image ($version)"
}

ids=() stale=()
for id in "${langs[@]}"; do
  id="$(echo "$id" | xargs)"
  [ -n "$id" ] || continue
  [ -f "images/$id/Dockerfile" ] || { log "no Dockerfile for $id"; exit 1; }
  ids+=("$id")
  if up_to_date "$id"; then log "${PREFIX}$id:latest is up to date"; else stale+=("$id"); fi
done
fail=0
if [ "${#stale[@]}" -gt 0 ]; then
  log "building the wc-agent stage"
  agentlog="/tmp/webcompile-build-${PREFIX//\//-}agent.log"
  docker build -q --network host --build-arg "BASE=$BASE_IMAGE" --target agent -f "images/${stale[0]}/Dockerfile" images >"$agentlog" 2>&1 || {
    log "building the wc-agent stage failed:"; tail -30 "$agentlog" >&2; exit 1; }
fi
running=0
for id in "${stale[@]}"; do
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || fail=1
    running=$((running - 1))
  fi
  build_one "$id" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || fail=1
  running=$((running - 1))
done
# An image that a rebuild replaced is left without a name, and a build that was cut short leaves its
# ".tmp" tag; ours go (they may be held in memory, see scripts/engine.sh). The label keeps anyone
# else's untagged images out of it.
for id in "${ids[@]}"; do
  docker image inspect "${PREFIX}${id}:latest.tmp" >/dev/null 2>&1 && docker rmi "${PREFIX}${id}:latest.tmp" >/dev/null || true
done
docker image prune -f --filter label=webcompile.source >/dev/null || true
exit $fail
