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

# A live process with this name (zombies do not count)?
alive() { # pidfile name
  local pid
  pid="$(cat "$1" 2>/dev/null || true)"
  [ -n "$pid" ] && [ -r "/proc/$pid/status" ] &&
    grep -q "^Name:[[:space:]]*$2\$" "/proc/$pid/status" &&
    ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status"
}

# A dockerd that was killed (with the session that started it) leaves its pid files behind, and a new
# one refuses to start while they name a process that still exists; clear them when it is not ours.
for f in /var/run/docker.pid:dockerd /var/run/docker/containerd/containerd.pid:containerd; do
  file="${f%%:*}"; name="${f##*:}"
  if [ -e "$file" ] && ! alive "$file" "$name"; then
    log "removing stale $file"
    rm -f "$file"
  fi
done

log "starting dockerd"
mkdir -p /var/log
nohup dockerd --bridge=none --iptables=false --ip6tables=false >/var/log/webcompile-dockerd.log 2>&1 &
dockerd_pid=$!
for _ in $(seq 1 120); do
  if docker info >/dev/null 2>&1; then log "engine is up"; exit 0; fi
  if ! kill -0 "$dockerd_pid" 2>/dev/null; then
    log "dockerd exited:"; tail -5 /var/log/webcompile-dockerd.log >&2; exit 1
  fi
  sleep 0.5
done
log "dockerd did not answer within 60 s; see /var/log/webcompile-dockerd.log"
exit 1
