#!/usr/bin/env bash
# Builds the offline base image (a minimal Debian bookworm) with debootstrap and `docker import`,
# because no container registry can be reached here. Skipped when the image already exists.
set -euo pipefail
BASE_IMAGE="${WEBCOMPILE_BASE_IMAGE:-webcompile/base:bookworm}"
log() { echo "[base] $*" >&2; }

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  log "$BASE_IMAGE already exists"
  exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  . "$(dirname "$0")/apt.sh"
  apt_install debootstrap
fi

# The machine's own Debian mirror (deb822 or one-line sources), so the base matches what apt reaches.
mirror="$(grep -hoE '^URIs:[[:space:]]+\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1 | awk '{print $2}' || true)"
if [ -z "$mirror" ]; then
  mirror="$(grep -hoE '^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?\S+' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | grep -v security | head -n1 | awk '{print $NF}' || true)"
fi
mirror="${mirror:-http://deb.debian.org/debian}"

dir="$(mktemp -d /tmp/webcompile-base.XXXXXX)"
trap 'rm -rf "$dir"' EXIT
log "debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$dir" "$mirror" >/tmp/webcompile-debootstrap.log 2>&1 || {
  tail -20 /tmp/webcompile-debootstrap.log >&2; exit 1; }
# Keep apt slim inside images built from this base.
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
tar -C "$dir" -c . | docker import --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
log "imported $BASE_IMAGE"
