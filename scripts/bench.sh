#!/usr/bin/env bash
# npm run bench: provisions like the tests do, then runs bench/bench.ts against the real engine.
# npm run bench -- --fairness: only the fairness benchmark (bench/fairness.ts).
. "$(dirname "$0")/lib.sh"
provision
ensure_build
npx tsx bench/bench.ts "$@"
