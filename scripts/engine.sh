#!/usr/bin/env bash
# Makes sure a Docker engine answers: installs Debian's docker.io when dockerd is missing and starts
# dockerd only when `docker info` fails. Sandboxes need no network, so the daemon gets no bridge and
# touches no iptables rules.
set -euo pipefail
log() { echo "[engine] $*" >&2; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! command -v dockerd >/dev/null 2>&1; then
  log "installing docker.io"
  apt_install docker.io
fi

if docker info >/dev/null 2>&1; then
  log "engine already answers"
  exit 0
fi

log "starting dockerd"
mkdir -p /var/log
nohup dockerd --bridge=none --iptables=false --ip6tables=false >/var/log/webcompile-dockerd.log 2>&1 &
for _ in $(seq 1 120); do
  if docker info >/dev/null 2>&1; then log "engine is up"; exit 0; fi
  sleep 0.5
done
log "dockerd did not answer within 60 s; see /var/log/webcompile-dockerd.log"
exit 1
