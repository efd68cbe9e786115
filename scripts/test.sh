#!/usr/bin/env bash
# Runs the whole test suite: unit, grain (Orleans test cluster), HTTP, restart and Cloudflare SDK tests,
# on a real PostgreSQL that the tests start themselves. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-prerequisites.sh
(cd tests/clients && npm ci --no-audit --no-fund --loglevel=error)
dotnet test SecretsStore.sln -c Release --logger "console;verbosity=normal" "$@"
