#!/usr/bin/env bash
# Makes sure a Docker engine answers: installs Debian's docker.io when dockerd is missing and starts
# dockerd only when `docker info` fails. Sandboxes need no network, so the daemon gets no bridge and
# touches no iptables rules.
# The engine it starts runs containers with crun where crun can work (WEBCOMPILE_OCI_RUNTIME: "auto",
# the default; "crun" fails when it cannot; "runc" keeps Docker's default): crun starts and stops a
# container for about 15 ms less CPU than runc, and containers are most of what a request costs.
# Its state lives in memory: the runtime state (/run/docker) always, as on any host whose /run is a
# tmpfs, and the data root (images and containers) when WEBCOMPILE_ENGINE_STORAGE is "memory", or
# "auto" (the default) on a machine with at least 15 GiB of RAM, 8 GiB of it free; "disk" keeps
# Docker's /var/lib/docker.
# Every run creates and deletes a few dozen files there, and on a disk without a journal (this
# machine's) ext4 scans recently deleted inodes for each new file. Images in memory are gone after a
# reboot; setup builds them again.
# gVisor: Debian's runsc is installed too and registered with the engine this script starts as the
# runtime "runsc", through a wrapper that gives it its flags (see write_runsc_wrapper), for sandboxes
# under WEBCOMPILE_SANDBOX_RUNTIME=runsc. An engine that answers already is left as it is, except one
# that this script started and that has no "runsc": it is restarted once, with the storage it had.
# (dockerd 20.10 reloads runtimes on SIGHUP, but the reload replaces the runtimes of its command line,
# crun included, with those of daemon.json alone, and it panics when its default runtime is gone.)
set -euo pipefail
log() { echo "[engine] $*" >&2; }

. "$(dirname "$0")/apt.sh"

OCI_RUNTIME="${WEBCOMPILE_OCI_RUNTIME:-auto}"
case "$OCI_RUNTIME" in auto|crun|runc) ;; *) log "WEBCOMPILE_OCI_RUNTIME must be auto, crun or runc, not $OCI_RUNTIME"; exit 1 ;; esac
STORAGE="${WEBCOMPILE_ENGINE_STORAGE:-auto}"
case "$STORAGE" in auto|memory|disk) ;; *) log "WEBCOMPILE_ENGINE_STORAGE must be auto, memory or disk, not $STORAGE"; exit 1 ;; esac
DATA_ROOT_IN_MEMORY=/var/lib/webcompile/engine
RUNSC_WRAPPER=/usr/local/lib/webcompile/runsc
# The flags every engine started here gets first (the runtime and storage flags follow).
DOCKERD_FLAGS=(--bridge=none --iptables=false --ip6tables=false)

# A live process with this name (zombies do not count)?
alive() { # pidfile name
  local pid
  pid="$(cat "$1" 2>/dev/null || true)"
  [ -n "$pid" ] && [ -r "/proc/$pid/status" ] &&
    grep -q "^Name:[[:space:]]*$2\$" "/proc/$pid/status" &&
    ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status"
}

# The wrapper the engine runs as "runsc" (dockerd's --add-runtime takes a path, no flags). Rewritten
# only when its text changes, and then in one rename (an engine may be running it).
write_runsc_wrapper() {
  local want tmp
  want="#!/bin/sh
# gVisor for WebCompile's sandboxes (WEBCOMPILE_SANDBOX_RUNTIME=runsc), written by scripts/engine.sh
# and registered with the engine it starts as the runtime \"runsc\".
#   --platform=ptrace  gVisor's platform that needs no /dev/kvm (machines and VMs without KVM)
#   --network=none     the sandboxes have no network: gVisor gets loopback only, and never looks at
#                      the container's network namespace (its check of it misjudges kernels where
#                      net.core.rmem_default is per namespace, and refuses to start)
# The containers' seccomp profile is not loaded inside gVisor (its --oci-seccomp of this version turns
# every errno of the profile into EPERM, clone3's ENOSYS included, and glibc then starts no thread);
# gVisor's kernel answers the program's system calls, and its own seccomp filter bounds what it asks
# of the host's.
exec $1 --platform=ptrace --network=none \"\$@\""
  [ "$(cat "$RUNSC_WRAPPER" 2>/dev/null)" = "$want" ] && return 0
  mkdir -p "${RUNSC_WRAPPER%/*}" &&
    tmp="$(mktemp "$RUNSC_WRAPPER.XXXXXX")" &&
    printf '%s\n' "$want" >"$tmp" && chmod 0755 "$tmp" && mv -f "$tmp" "$RUNSC_WRAPPER"
}

if ! command -v dockerd >/dev/null 2>&1; then
  log "installing docker.io"
  apt_install docker.io
fi

runsc_flags=()
command -v runsc >/dev/null 2>&1 || { log "installing runsc (gVisor)"; apt_install runsc || true; }
if command -v runsc >/dev/null 2>&1 && write_runsc_wrapper "$(command -v runsc)"; then
  runsc_flags=(--add-runtime "runsc=$RUNSC_WRAPPER")
else
  log "gVisor cannot be set up here: the engine gets no runtime \"runsc\""
fi

if docker info >/dev/null 2>&1; then
  default_runtime="$(docker info -f '{{.DefaultRuntime}}' 2>/dev/null)"
  runsc_path="$(docker info -f '{{with index .Runtimes "runsc"}}{{.Path}}{{end}}' 2>/dev/null || true)"
  pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
  ours="" # started by this script: its command line begins with DOCKERD_FLAGS
  if alive /var/run/docker.pid dockerd &&
    [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) " == "dockerd ${DOCKERD_FLAGS[*]} "* ]]; then
    ours=1
  fi
  if [ -n "$runsc_path" ] || [ ${#runsc_flags[@]} -eq 0 ] || [ -z "$ours" ]; then
    # Not started here, so not configured here either (or nothing to add): say what it runs.
    log "engine already answers (container runtime: $default_runtime; gVisor: ${runsc_path:-none})"
    if [ -z "$runsc_path" ] && [ ${#runsc_flags[@]} -gt 0 ]; then
      log "this engine was not started by scripts/engine.sh: for WEBCOMPILE_SANDBOX_RUNTIME=runsc, give it the runtime \"runsc\" with the path $RUNSC_WRAPPER (daemon.json \"runtimes\")"
    fi
    exit 0
  fi
  # Started here before gVisor was registered: restart it once, keeping where its images are.
  if [ -z "${WEBCOMPILE_ENGINE_STORAGE:-}" ]; then
    if [ "$(docker info -f '{{.DockerRootDir}}' 2>/dev/null)" = "$DATA_ROOT_IN_MEMORY" ]; then STORAGE=memory; else STORAGE=disk; fi
  fi
  log "restarting the engine (pid $pid) once to register gVisor as the runtime \"runsc\"; its $(docker ps -q 2>/dev/null | wc -l) running containers stop"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do
    alive /var/run/docker.pid dockerd || alive /var/run/docker/containerd/containerd.pid containerd || break
    sleep 0.5
  done
  if alive /var/run/docker.pid dockerd || alive /var/run/docker/containerd/containerd.pid containerd; then
    log "the engine did not stop within 60 s"; exit 1
  fi
fi

# A dockerd that was killed (with the session that started it) leaves its pid files behind, and a new
# one refuses to start while they name a process that still exists; clear them when it is not ours.
for f in /var/run/docker.pid:dockerd /var/run/docker/containerd/containerd.pid:containerd; do
  file="${f%%:*}"; name="${f##*:}"
  if [ -e "$file" ] && ! alive "$file" "$name"; then
    log "removing stale $file"
    rm -f "$file"
  fi
done

# crun refuses a hybrid cgroup host whose cgroup2 hierarchy holds controllers (here: hugetlb, which
# nothing on cgroup2 uses), and containerd cannot read the stats of a container in a v1 hierarchy
# that is not mounted. Such controllers get a v1 mount of their own, as in systemd's hybrid layout;
# when that is not possible the engine keeps runc.
v1_mounted() { # controller
  awk -v c="$1" '{ for (i = 1; i < NF; i++) if ($i == "-" && $(i + 1) == "cgroup") { n = split($(i + 3), o, ","); for (j = 1; j <= n; j++) if (o[j] == c) f = 1 } } END { exit !f }' /proc/self/mountinfo
}
crun_usable() {
  [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = tmpfs ] || return 0 # not a hybrid host
  local unified=/sys/fs/cgroup/unified g m groups=() mounted=()
  # Controllers still on cgroup2 get a mount each; a v1 hierarchy without a mount gets one for all
  # of its controllers together (e.g. "cpu,cpuacct"), or the mount would be refused.
  for g in $(cat "$unified/cgroup.controllers" 2>/dev/null); do groups+=("$g"); done
  for g in $(awk 'NR > 1 && $2 > 0 && $4 == 1 { h[$2] = h[$2] ? h[$2] "," $1 : $1 } END { for (i in h) print h[i] }' /proc/cgroups); do
    groups+=("$g")
  done
  for g in "${groups[@]}"; do
    v1_mounted "${g%%,*}" && continue
    if mkdir -p "/sys/fs/cgroup/$g" 2>/dev/null && mount -t cgroup -o "$g" cgroup "/sys/fs/cgroup/$g" 2>/dev/null; then
      mounted+=("/sys/fs/cgroup/$g")
      log "mounted cgroup controller $g at /sys/fs/cgroup/$g (v1, as crun needs on a hybrid host)"
    else
      log "cannot give cgroup controller $g a v1 mount"
      for m in "${mounted[@]}"; do umount "$m" 2>/dev/null && rmdir "$m" 2>/dev/null; done
      return 1
    fi
  done
  [ -z "$(cat "$unified/cgroup.controllers" 2>/dev/null)" ]
}
runtime_flags=()
if [ "$OCI_RUNTIME" != runc ]; then
  command -v crun >/dev/null 2>&1 || { log "installing crun"; apt_install crun || true; }
  if command -v crun >/dev/null 2>&1 && crun_usable; then
    runtime_flags=(--add-runtime "crun=$(command -v crun)" --default-runtime crun)
  elif [ "$OCI_RUNTIME" = crun ]; then
    log "WEBCOMPILE_OCI_RUNTIME=crun, but crun cannot be used here"; exit 1
  else
    log "crun cannot be used here; containers run with runc"
  fi
fi

on_tmpfs() { [ "$(stat -f -c %T "$1" 2>/dev/null)" = tmpfs ]; }
mount_tmpfs() { # dir options
  mkdir -p "$1" && mount -t tmpfs -o "$2" tmpfs "$1" 2>/dev/null
}
# The engine's state moves only while nothing of an earlier engine runs: shims that outlived their
# dockerd (killed) keep their containers' state where it is, and would be lost to the new engine.
earlier_engine=""
if pgrep -x dockerd >/dev/null || pgrep -x containerd >/dev/null || pgrep -x containerd-shim >/dev/null; then
  earlier_engine=1
fi
if ! on_tmpfs /run/docker; then
  if [ -n "$earlier_engine" ]; then
    log "/run/docker stays on disk this time: processes of an earlier engine still run"
  else
    mount_tmpfs /run/docker mode=0711 || log "cannot mount a tmpfs at /run/docker; the engine's runtime state stays on disk"
  fi
fi
requested="$STORAGE"
if [ "$STORAGE" = auto ]; then
  # A 16 GiB machine (what the kernel reports is a little less), with room for the images now.
  read -r total_kib avail_kib < <(awk '/^MemTotal:/ { t = $2 } /^MemAvailable:/ { a = $2 } END { print t + 0, a + 0 }' /proc/meminfo)
  if on_tmpfs "$DATA_ROOT_IN_MEMORY" || { [ "$total_kib" -ge $((15 * 1024 * 1024)) ] && [ "$avail_kib" -ge $((8 * 1024 * 1024)) ]; }; then
    STORAGE=memory
  else
    STORAGE=disk
  fi
fi
storage_flags=()
if [ "$STORAGE" = memory ]; then
  why=""
  if on_tmpfs "$DATA_ROOT_IN_MEMORY"; then
    : # kept, with the images in it
  elif [ -n "$earlier_engine" ]; then
    why="processes of an earlier engine still run"
  elif ! mount_tmpfs "$DATA_ROOT_IN_MEMORY" mode=0711,size=50%; then
    why="no tmpfs can be mounted at $DATA_ROOT_IN_MEMORY"
  fi
  if [ -z "$why" ]; then
    storage_flags=(--data-root "$DATA_ROOT_IN_MEMORY")
  elif [ "$requested" = memory ]; then
    log "WEBCOMPILE_ENGINE_STORAGE=memory, but $why"; exit 1
  else
    log "images and containers stay on disk this time: $why"; STORAGE=disk
  fi
elif on_tmpfs "$DATA_ROOT_IN_MEMORY" && [ -z "$earlier_engine" ] && mountpoint -q "$DATA_ROOT_IN_MEMORY"; then
  # Back to disk: the memory the images held is given back.
  umount "$DATA_ROOT_IN_MEMORY" 2>/dev/null && log "unmounted the in-memory data root $DATA_ROOT_IN_MEMORY" ||
    log "the in-memory data root $DATA_ROOT_IN_MEMORY is still mounted (busy)"
fi
log "engine storage: $STORAGE"

flags=("${runtime_flags[@]}" "${storage_flags[@]}" "${runsc_flags[@]}")
log "starting dockerd${flags[*]:+ ${flags[*]}}"
mkdir -p /var/log
nohup dockerd "${DOCKERD_FLAGS[@]}" "${flags[@]}" >/var/log/webcompile-dockerd.log 2>&1 &
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
