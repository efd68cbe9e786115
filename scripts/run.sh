#!/usr/bin/env bash
# Runs SecretsStore: one silo co-hosting the gateway on http://127.0.0.1:8787 (ASPNETCORE_URLS overrides).
# Without ConnectionStrings__Postgres it starts a private PostgreSQL under .data/ (SECRETSSTORE_DATA overrides),
# migrates it, and prints the credentials it made there. Ctrl-C stops the service and its PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-prerequisites.sh
exec dotnet run --project src/Silo -c Release -- "$@"
