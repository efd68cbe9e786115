#!/usr/bin/env bash
# Runs SecretsStore: one silo co-hosting the gateway on http://127.0.0.1:8787, or on a free port it prints when 8787 is
# taken (ASPNETCORE_URLS overrides); its silo port is a free one too, and it opens no gateway port.
# Without ConnectionStrings__Postgres it starts a private PostgreSQL under .data/ (SECRETSSTORE_DATA overrides; run as
# root from a folder the postgres user cannot enter, under /var/lib/secretsstore, linked as .data/postgres), migrates
# it, and prints the credentials it made. Ctrl-C or SIGTERM stops the service and its PostgreSQL, saying so.
set -euo pipefail
source "$(dirname "$0")/prepare-silo.sh"
# exec, not `dotnet run`: the service itself then receives the signals, and stops its PostgreSQL on them.
exec dotnet "$silo_binary" "$@"
