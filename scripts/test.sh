#!/usr/bin/env bash
# The README's second command (and .ci/run): every test, from a fresh clone.
# Unit tests, then a build, then integration tests against the real Docker engine, then Playwright
# in Debian's Chromium. Ends with one "N passed, N failed" line.
. "$(dirname "$0")/lib.sh"
provision
if [ ! -x /usr/bin/chromium ]; then
  echo "[test] installing Debian's chromium for the browser tests" >&2
  . "$(dirname "$0")/apt.sh"
  apt_install --with-recommends chromium
fi
mkdir -p test-reports
rm -f test-reports/*.json

status=0
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=test-reports/unit.json || status=1
ensure_build
npx vitest run --project integration --reporter=default --reporter=json --outputFile.json=test-reports/integration.json || status=1
PLAYWRIGHT_JSON_OUTPUT_NAME=test-reports/e2e.json npx playwright test --reporter=list,json || status=1
node scripts/test-summary.mjs test-reports/unit.json test-reports/integration.json test-reports/e2e.json || status=1
exit $status
