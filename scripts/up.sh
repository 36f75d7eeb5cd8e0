#!/usr/bin/env bash
# The README's first command: from a fresh clone to the app on http://localhost:${PORT:-8000}.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
. scripts/lib.sh
ensure_deps
npm run setup
ensure_build
exec npm start
