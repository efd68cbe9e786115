#!/usr/bin/env bash
# Runs the benchmark (tests/SecretsStore.Benchmarks) and prints its table: every scenario against a baseline
# measured in the same run. Takes about ten minutes; --smoke runs each scenario for a second (figures meaningless),
# --only NAME[,NAME] picks scenarios (get, auth-flood, creates, large-store, storage-designs, key-rotation, scale-out,
# cluster-tls, pgbouncer, audit-log). audit-log loads ten million audit rows: it alone takes about fifteen minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-prerequisites.sh
dotnet build tests/SecretsStore.Benchmarks -c Release --nologo -v quiet
exec dotnet tests/SecretsStore.Benchmarks/bin/Release/net10.0/SecretsStore.Benchmarks.dll "$@"
