#!/usr/bin/env bash
# Writes the sandboxes' seccomp profile (WEBCOMPILE_SECCOMP_PROFILE, default
# /var/lib/webcompile/seccomp.json): the engine's own default profile as it applies to a sandbox (no
# capabilities), read from the OCI spec of a probe container, with its architectures narrowed to the
# machine's native one. The rules for native syscalls stay the engine's, less the syscalls in
# lib/engine/seccomp-denied.json (io_uring, ptrace, process_vm_readv/writev: no language here needs
# them, and io_uring has a long history of kernel bugs): no rule names them any more, so the
# profile's default action denies them (EPERM). The 32-bit x86 and x32 syscall ABIs, which no
# sandbox program needs, are closed (a process that uses them is killed), and the smaller filter
# costs about 10 ms less CPU at every container start.
# Stored with a stamp in "$OUT.engine": the engine version it came from (first line; the server uses
# the profile only with that engine) and the denied list. Made again when either differs. Where it
# cannot be made, no file is left and the sandboxes get the engine's default profile.
# `seccomp.sh --narrow` only turns an OCI spec (ctr's container info) on stdin into the profile on
# stdout (for the unit tests).
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[seccomp] $*" >&2; }
DENIED=lib/engine/seccomp-denied.json

# The profile from an OCI spec on stdin; fails when the spec has none for this architecture.
narrow() {
  node -e '
  const fs = require("fs");
  const denied = new Set(JSON.parse(fs.readFileSync(process.argv[1], "utf8")));
  const info = JSON.parse(fs.readFileSync(0, "utf8"));
  const profile = info.Spec && info.Spec.linux && info.Spec.linux.seccomp;
  const native = { x64: "SCMP_ARCH_X86_64", arm64: "SCMP_ARCH_AARCH64" }[process.arch];
  if (!profile || !Array.isArray(profile.syscalls) || !native || !(profile.architectures || []).includes(native)) process.exit(1);
  profile.architectures = [native];
  // Out of every rule, whatever its action or conditions; a rule left without names goes.
  profile.syscalls = profile.syscalls
    .map((rule) => ({ ...rule, names: (rule.names || []).filter((name) => !denied.has(name)) }))
    .filter((rule) => rule.names.length > 0);
  process.stdout.write(JSON.stringify(profile));
  ' "$DENIED"
}
if [ "${1:-}" = --narrow ]; then
  narrow
  exit
fi

OUT="${WEBCOMPILE_SECCOMP_PROFILE:-/var/lib/webcompile/seccomp.json}"
if [ "$OUT" = default ]; then
  log "WEBCOMPILE_SECCOMP_PROFILE=default: sandboxes get the engine's default profile"
  exit 0
fi
BASE_IMAGE="${WEBCOMPILE_BASE_IMAGE:-webcompile/base:bookworm}"

give_up() {
  log "$1; sandboxes get the engine's default profile"
  rm -f "$OUT" "$OUT.engine" "${tmp:-}" 2>/dev/null || true
  exit 0
}
command -v node >/dev/null 2>&1 || give_up "node is not on the PATH"
command -v ctr >/dev/null 2>&1 || give_up "containerd's ctr is missing"
engine_version="$(docker version -f '{{.Server.Version}}')" || give_up "the engine does not answer"
denied="$(node -p "require('./$DENIED').join(' ')")" || give_up "cannot read $DENIED"
stamp="$engine_version"$'\n'"denied: $denied"
if [ -s "$OUT" ] && [ "$(cat "$OUT.engine" 2>/dev/null)" = "$stamp" ]; then
  log "$OUT is up to date (engine $engine_version; denied: $denied)"
  exit 0
fi

# The engine hands the spec to containerd when the container starts.
id="$(docker run -d --rm --network none --cap-drop ALL --security-opt no-new-privileges --label webcompile.probe=seccomp \
  "$BASE_IMAGE" sleep 30)" || give_up "cannot start a probe container"
trap 'docker rm -f "$id" >/dev/null 2>&1 || true' EXIT

spec=""
for sock in /run/docker/containerd/containerd.sock /run/containerd/containerd.sock; do
  [ -S "$sock" ] || continue
  spec="$(ctr --address "$sock" -n moby containers info "$id" 2>/dev/null)" && break
done
[ -n "$spec" ] || give_up "cannot read the probe container's spec from containerd (ctr)"

mkdir -p "$(dirname "$OUT")" 2>/dev/null || give_up "cannot create $(dirname "$OUT")"
tmp="$(mktemp "$(dirname "$OUT")/.seccomp.XXXXXX")" || give_up "cannot write in $(dirname "$OUT")"
if ! printf '%s' "$spec" | narrow >"$tmp"; then
  give_up "the probe container has no seccomp profile for this architecture"
fi
# Readable by the server, writable by nobody else (the server refuses a profile others may change).
chmod 644 "$tmp" && mv "$tmp" "$OUT" && printf '%s\n' "$stamp" >"$OUT.engine" ||
  give_up "cannot write $OUT"
log "wrote $OUT (the engine's profile, native syscall ABI only, denied: $denied; engine $engine_version)"
