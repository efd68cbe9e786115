#!/usr/bin/env bash
# Runs SecretsStore: one silo co-hosting the gateway on http://127.0.0.1:8787 (ASPNETCORE_URLS overrides).
# Without ConnectionStrings__Postgres it starts a private PostgreSQL under .data/ (SECRETSSTORE_DATA overrides),
# migrates it, and prints the credentials it made there. Ctrl-C or SIGTERM stops the service and its PostgreSQL.
set -euo pipefail
source "$(dirname "$0")/prepare-silo.sh"
# exec, not `dotnet run`: the service itself then receives the signals, and stops its PostgreSQL on them.
exec dotnet "$silo_binary" "$@"
