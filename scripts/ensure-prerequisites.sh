#!/usr/bin/env bash
# Installs what running, testing or benchmarking needs on a fresh Debian machine: PostgreSQL's server binaries
# (with pgbench), Node.js, wrk for the benchmark's load, HAProxy to check deploy/haproxy.cfg, PgBouncer for the tests
# and the benchmark through a pooler in transaction mode, pg_auto_failover for the failover test, and Chromium for the
# dashboard's browser test. Does nothing when they are already there.
set -euo pipefail

have_postgres() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
have_postgres || missing+=(postgresql)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
# Debian installs it as /usr/sbin/pgbouncer, off a non-root user's PATH.
have_pgbouncer() { command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ]; }
have_pgbouncer || missing+=(pgbouncer)
# pg_auto_failover (the failover test's monitor and keepers): the extension for PostgreSQL 15 and pg_autoctl, which
# Debian puts in PostgreSQL's bin folder with a wrapper on PATH.
have_pg_auto_failover() {
  command -v pg_autoctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_autoctl >/dev/null 2>&1
}
have_pg_auto_failover || missing+=(postgresql-15-auto-failover pg-auto-failover-cli)
# The consumer example (examples/with-secrets.sh), which the tests run, needs curl and jq.
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v jq >/dev/null 2>&1 || missing+=(jq)
# The dashboard test drives Debian's Chromium headless (tests/clients/dashboard.test.mjs): playwright-core's own
# browser download is not used.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} ..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  # Debian's package starts a cluster of its own; ours are private, so stop it to free port 5432.
  if command -v pg_ctlcluster >/dev/null 2>&1; then as_root service postgresql stop >/dev/null 2>&1 || true; fi
  # HAProxy is here only to check deploy/haproxy.cfg (haproxy -c); its package starts a service, which we do not use.
  if [[ " ${missing[*]} " == *" haproxy "* ]]; then as_root service haproxy stop >/dev/null 2>&1 || true; fi
  # Likewise PgBouncer: the tests start their own, with a configuration of their own, on a free port.
  if [[ " ${missing[*]} " == *" pgbouncer "* ]]; then as_root service pgbouncer stop >/dev/null 2>&1 || true; fi
  # pg_auto_failover's packages start no service; the failover test runs its own monitor and nodes on free ports.
fi
command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK is required (dotnet not on PATH)." >&2; exit 1; }
