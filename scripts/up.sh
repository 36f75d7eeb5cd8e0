#!/usr/bin/env bash
# The README's first command: from a fresh clone to the app on http://localhost:${PORT:-8000}.
. "$(dirname "$0")/lib.sh"
provision
ensure_build
exec npm start
