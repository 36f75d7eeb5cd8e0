#!/usr/bin/env bash
# npm run bench: provisions like the tests do, then runs bench/bench.ts against the real engine.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
. scripts/lib.sh
ensure_deps
npm run setup
ensure_build
npx tsx bench/bench.ts
