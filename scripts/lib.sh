# Shared steps of up.sh, test.sh and bench.sh: install dependencies and build only when something
# changed. Sourcing this file also moves to the repository root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NEXT_TELEMETRY_DISABLED=1

ensure_deps() {
  # npm ci only when node_modules is missing or older than the lockfile.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "[deps] npm ci" >&2
    npm ci --no-audit --no-fund
  else
    echo "[deps] node_modules is up to date" >&2
  fi
}

ensure_build() {
  # Rebuild only when a source file is newer than the last build.
  if [ -f .next/BUILD_ID ] && [ -z "$(find app lib public instrumentation.ts next.config.js package-lock.json tsconfig.json \
      -newer .next/BUILD_ID -not -path 'public/monaco/*' -print -quit 2>/dev/null)" ]; then
    echo "[build] .next is up to date" >&2
  else
    npm run build
  fi
}

# Dependencies, then the engine and the sandbox images: what every entry script needs first.
provision() {
  ensure_deps
  npm run setup
}
