#!/usr/bin/env bash
# Runs the whole test suite: the deploy/ schema checks, then unit, grain (Orleans test cluster), HTTP, restart and
# Cloudflare SDK tests, on a real PostgreSQL that the tests start themselves. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-prerequisites.sh
(cd tests/clients && npm ci --no-audit --no-fund --loglevel=error)
# The deploy/ checks take seconds and need no service; a failure there still lets the .NET suites run.
deploy_status=0
bash tests/deploy/run.sh || deploy_status=$?
dotnet test SecretsStore.sln -c Release --logger "console;verbosity=normal" "$@"
exit "$deploy_status"
