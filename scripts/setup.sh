#!/usr/bin/env bash
# Idempotent provisioning: the Docker engine, the offline base image, the sandboxes' seccomp profile
# and the sandbox images.
# Running it again is quick: nothing that exists is rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/engine.sh
bash scripts/base-image.sh
bash scripts/seccomp.sh
bash scripts/images.sh
# Redis, PostgreSQL and nginx (installed only; the tests and `npm run cluster` start their own).
bash scripts/services.sh install
