#!/usr/bin/env bash
# The README's second command (and .ci/run): every test, from a fresh clone.
# A build, the type check, lint and format check, unit tests, then integration tests against the real Docker
# engine, then the tests that run programs once more with the sandboxes in gVisor (where the engine
# has the runtime "runsc", which scripts/engine.sh registers), then Playwright in Debian's Chromium.
# Ends with one "N passed, N failed" line (of the tests; the type check, lint and format check say ok or failed).
. "$(dirname "$0")/lib.sh"
provision
if [ ! -x /usr/bin/chromium ]; then
  echo "[test] installing Debian's chromium for the browser tests" >&2
  . "$(dirname "$0")/apt.sh"
  apt_install --with-recommends chromium
fi
mkdir -p test-reports
rm -f test-reports/*.json

# The files whose servers run programs in sandboxes: under gVisor they run a second time. Not again:
# seccomp.test.ts (gVisor does not load the container's seccomp profile: its kernel is the boundary
# there) and the tests of the pool, the warm compilers, requests and the engine, which no runtime
# changes (pool-behaviour.test.ts finds runs by the process list, which under gVisor shows runsc), nor
# compile-api.test.ts (the HTTP contract) and fair-sharing.test.ts (the queue's turns): what they check
# happens in the server before and after a sandbox runs, the same whatever runtime runs it.
# Of languages.test.ts, every language's example and the C++ memory limit: that each toolchain works
# in gVisor is what this pass adds; the hello worlds and errors of 14 toolchains under ptrace would
# take two more minutes and tell no more.
GVISOR_TESTS=(tests/integration/hostile-programs.test.ts tests/integration/verdicts.test.ts
  tests/integration/gvisor.test.ts)
GVISOR_LANGUAGE_TESTS='runs its example|needs more memory'
# Of the live front doors, what the sandbox does there: stdin typed into a running program, output
# as it is written (a C prompt, line-buffered), a kill.
GVISOR_LIVE_TESTS='each line typed|input sent with the init|a kill ends the run|a prompt without a newline'

status=0
reports=(test-reports/unit.json test-reports/integration.json)
# The build first: the type check reads the route types it writes (.next/types), which must not be stale.
ensure_build
# Types, lint and formatting: a failure marks the whole command failed, and every test still runs.
if npx tsc --noEmit; then echo "[test] typecheck: ok" >&2; else echo "[test] typecheck: failed" >&2; status=1; fi
if npx eslint .; then echo "[test] lint: ok" >&2; else echo "[test] lint: failed" >&2; status=1; fi
# Formatting: `npm run format` writes what this checks.
if npx prettier --check .; then echo "[test] format: ok" >&2; else echo "[test] format: failed" >&2; status=1; fi
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=test-reports/unit.json || status=1
npx vitest run --project integration --reporter=default --reporter=json --outputFile.json=test-reports/integration.json || status=1
if [ -n "$(docker info -f '{{with index .Runtimes "runsc"}}{{.Path}}{{end}}' 2>/dev/null)" ]; then
  echo "[test] the sandbox tests again, with the sandboxes in gVisor (WEBCOMPILE_SANDBOX_RUNTIME=runsc)" >&2
  start=$SECONDS
  WEBCOMPILE_SANDBOX_RUNTIME=runsc npx vitest run --project integration "${GVISOR_TESTS[@]}" \
    --reporter=default --reporter=json --outputFile.json=test-reports/integration-runsc.json || status=1
  WEBCOMPILE_SANDBOX_RUNTIME=runsc npx vitest run --project integration tests/integration/languages.test.ts \
    -t "$GVISOR_LANGUAGE_TESTS" --reporter=default --reporter=json \
    --outputFile.json=test-reports/integration-runsc-languages.json || status=1
  WEBCOMPILE_SANDBOX_RUNTIME=runsc npx vitest run --project integration tests/integration/interactive.test.ts \
    -t "$GVISOR_LIVE_TESTS" --reporter=default --reporter=json \
    --outputFile.json=test-reports/integration-runsc-live.json || status=1
  echo "[test] gVisor pass: $((SECONDS - start)) s" >&2
  reports+=(test-reports/integration-runsc.json test-reports/integration-runsc-languages.json
    test-reports/integration-runsc-live.json)
else
  echo "[test] the engine has no runtime \"runsc\" (gVisor): the sandbox tests run once" >&2
fi
PLAYWRIGHT_JSON_OUTPUT_NAME=test-reports/e2e.json npx playwright test --reporter=list,json || status=1
reports+=(test-reports/e2e.json)
node scripts/test-summary.mjs "${reports[@]}" || status=1
exit $status
