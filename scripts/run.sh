#!/usr/bin/env bash
# Runs SecretsStore: one silo co-hosting the gateway on http://127.0.0.1:8787 (ASPNETCORE_URLS overrides).
# Without ConnectionStrings__Postgres it starts a private PostgreSQL under .data/ (SECRETSSTORE_DATA overrides),
# migrates it, and prints the credentials it made there. Ctrl-C or SIGTERM stops the service and its PostgreSQL.
set -euo pipefail
# A data folder is taken relative to where the command was typed.
if [ -n "${SECRETSSTORE_DATA:-}" ]; then SECRETSSTORE_DATA=$(realpath -m "$SECRETSSTORE_DATA"); fi
cd "$(dirname "$0")/.."
export SECRETSSTORE_DATA="${SECRETSSTORE_DATA:-$PWD/.data}"
bash scripts/ensure-prerequisites.sh
dotnet build src/Silo -c Release --nologo -v quiet
# exec, not `dotnet run`: the service itself then receives the signals, and stops its PostgreSQL on them.
exec dotnet src/Silo/bin/Release/net10.0/SecretsStore.Silo.dll "$@"
