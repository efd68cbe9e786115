#!/usr/bin/env bash
# A local cluster for trying scale-out: three silos and one standalone gateway, on the development run's PostgreSQL
# under .data/ (SECRETSSTORE_DATA overrides). The gateway serves the API on http://127.0.0.1:8787, or on a free port
# (printed) when 8787 is taken; the silos answer only probes. Every other port (the silos' HTTP, silo and gateway
# ports) is a free one. All are kept in the data folder's cluster-ports and taken again while free, so nothing clashes
# with another instance or cluster, and a restart keeps its addresses. SECRETSSTORE_PORT_OFFSET=N instead uses fixed ports plus N: the API on 8787+N, the
# silos' probes on 8788-8790, their silo ports 11111-11113 and gateway ports 30000-30002 (each plus N).
#
# The first silo is a development run in the silo role: it holds the data folder's lock, starts its PostgreSQL and
# makes the master key, credentials and cluster certificates (cluster/: a CA and one certificate for every process,
# so silo↔silo and gateway↔silo links are mutual TLS) there, exactly as ./scripts/run.sh does. So a second start on the same folder
# (this command or run.sh) is refused before anything else starts. The other silos and the gateway join it through
# the connection string. Every line a process prints is prefixed with its name. silo2 and silo3 are started again
# when they end (SIGTERM one to watch the gateway carry on through a restart); silo1 or the gateway ending stops all.
# Ctrl-C or SIGTERM stops the gateway and the joined silos first, then silo1 and its PostgreSQL.
set -euo pipefail
source "$(dirname "$0")/prepare-silo.sh"

# The ports, in this order: the gateway's HTTP, the silos' HTTP (probes), their silo ports, their gateway ports. The
# gateway takes 8787 when it is free, else the port it had last time when that is free, else any free one.
ports_file="$SECRETSSTORE_DATA/cluster-ports"
if [ -n "${SECRETSSTORE_PORT_OFFSET:-}" ]; then
  o=$SECRETSSTORE_PORT_OFFSET
  chosen="$((8787 + o)) $((8788 + o)) $((8789 + o)) $((8790 + o)) $((11111 + o)) $((11112 + o)) $((11113 + o)) $((30000 + o)) $((30001 + o)) $((30002 + o))"
else
  recorded=$(cat "$ports_file" 2>/dev/null || true)
  # shellcheck disable=SC2086 # ten numbers, or nothing
  [ "$(echo $recorded | wc -w)" = 10 ] || recorded="0 0 0 0 0 0 0 0 0 0"
  # shellcheck disable=SC2086
  chosen=$(dotnet "$silo_binary" free-ports "8787/${recorded%% *}" ${recorded#* })
fi
read -r gateway_http silo1_http silo2_http silo3_http silo1_port silo2_port silo3_port silo1_gateway silo2_gateway silo3_gateway <<<"$chosen"

declare -A pids=() ports=() settings=()

# start NAME ROLE HTTP-PORT [NAME=VALUE...]: one process of the cluster, in the background, its lines prefixed with
# its name. What it was started with is kept, to start it again the same way.
start() {
  local name=$1 role=$2 http=$3
  ports[$name]=$3
  shift 3
  settings[$name]="$*"
  # shellcheck disable=SC2086 # the settings are NAME=VALUE words without spaces
  env ${settings[$name]} SecretsStore__Role="$role" ASPNETCORE_URLS="http://127.0.0.1:$http" \
    dotnet "$silo_binary" > >(trap '' INT; exec sed -u "s/^/[$name] /") 2>&1 &
  pids[$name]=$!
}

# ready NAME PORT: waits for the process's /readyz; fails with its exit code if it ends first.
ready() {
  local name=$1 port=$2
  until curl -fs -o /dev/null "http://127.0.0.1:$port/readyz"; do
    if ! kill -0 "${pids[$name]}" 2>/dev/null; then
      local code=0
      wait "${pids[$name]}" || code=$?
      unset "pids[$name]"
      echo "$name exited with $code before it was ready." >&2
      return $((code == 0 ? 1 : code))
    fi
    sleep 0.5
  done
}

# stop NAME...: SIGTERM (each one's graceful stop), then waits for all of them.
stop() {
  local name
  for name in "$@"; do [ -n "${pids[$name]:-}" ] && kill -TERM "${pids[$name]}" 2>/dev/null || true; done
  for name in "$@"; do [ -n "${pids[$name]:-}" ] && { wait "${pids[$name]}" 2>/dev/null || true; unset "pids[$name]"; }; done
}

stopping=0
stop_all() {
  [ "$stopping" = 1 ] && return
  stopping=1
  trap '' INT TERM
  echo "Stopping the cluster ..."
  stop gateway silo2 silo3
  # Last: its PostgreSQL is everyone's.
  stop silo1
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

# Unset, SECRETSSTORE_DATA's master key and credentials are made by silo1; configured ones are passed on to all.
start silo1 silo "$silo1_http" Orleans__SiloPort="$silo1_port" Orleans__GatewayPort="$silo1_gateway"
ready silo1 "$silo1_http"
# silo1 holds the data folder now: the ports are this folder's to keep.
[ -n "${SECRETSSTORE_PORT_OFFSET:-}" ] || echo "$chosen" >"$ports_file"

# The others serve as the development PostgreSQL's runtime role (silo1 migrated as its owner), with the password kept
# in its folder; the runtime role may append to the audit trail, never change it.
postgres_folder="$SECRETSSTORE_DATA/postgres"
export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$(cat "$postgres_folder/port");Username=secretsstore_runtime;Password=$(cat "$postgres_folder/runtime.password");Database=secretsstore"
if [ -z "${SecretsStore__MasterKey:-}${SecretsStore__MasterKeyFile:-}${SecretsStore__MasterKeys__0:-}" ]; then
  export SecretsStore__MasterKeyFile="$SECRETSSTORE_DATA/master.key"
fi
# silo1 made the cluster's CA and certificate under the data folder (cluster/, owner-only): the others show the same
# certificate, so every Orleans link of this cluster is mutual TLS. Configured files are passed on to all instead.
if [ -z "${SecretsStore__Cluster__CertificateFile:-}" ] && [ "${SecretsStore__Cluster__AllowInsecure:-}" != "true" ]; then
  export SecretsStore__Cluster__CertificateFile="$SECRETSSTORE_DATA/cluster/tls.crt"
  export SecretsStore__Cluster__KeyFile="$SECRETSSTORE_DATA/cluster/tls.key"
  export SecretsStore__Cluster__CaFile="$SECRETSSTORE_DATA/cluster/ca.crt"
fi
credentials="$SECRETSSTORE_DATA/credentials.json"
if [ -z "${SecretsStore__AdminToken:-}" ]; then
  SecretsStore__AdminToken="$(jq -r .admin_token "$credentials")"
  export SecretsStore__AdminToken
  show_credentials=1
fi

start silo2 silo "$silo2_http" Orleans__SiloPort="$silo2_port" Orleans__GatewayPort="$silo2_gateway"
start silo3 silo "$silo3_http" Orleans__SiloPort="$silo3_port" Orleans__GatewayPort="$silo3_gateway"
start gateway gateway "$gateway_http"
ready silo2 "$silo2_http"
ready silo3 "$silo3_http"
ready gateway "$gateway_http"

echo
gateway="http://127.0.0.1:$gateway_http"
echo "Cluster up: 3 silos and a standalone gateway at $gateway (API base URL $gateway/client/v4)"
if [ -z "${SECRETSSTORE_PORT_OFFSET:-}" ] && [ "$gateway_http" != 8787 ]; then
  echo "  NOTE: port 8787 is taken by another process, so the gateway listens on $gateway instead:"
  echo "        use $gateway wherever the README says http://127.0.0.1:8787."
fi
if [ "${show_credentials:-0}" = 1 ]; then
  echo "  account_id:    $(jq -r .account_id "$credentials")"
  echo "  account_token: $(jq -r .account_token "$credentials")   (write)"
  echo "  admin_token:   $SecretsStore__AdminToken"
fi
echo "  silos' probes: http://127.0.0.1:$silo1_http/readyz, :$silo2_http/readyz, :$silo3_http/readyz"
echo "  silo ports $silo1_port, $silo2_port, $silo3_port; gateway ports $silo1_gateway, $silo2_gateway, $silo3_gateway"
echo "  to watch a silo restart under the gateway: kill -TERM ${pids[silo2]} (silo2) or ${pids[silo3]} (silo3); it is started again."
echo "Ctrl-C stops everything."

# silo2 and silo3 are started again whenever they end, as an orchestrator would; silo1 or the gateway ending stops all.
while true; do
  ended=
  wait -n -p ended "${pids[@]}" || true
  for name in "${!pids[@]}"; do [ "${pids[$name]}" = "$ended" ] && break; done
  unset "pids[$name]"
  case $name in
    silo2 | silo3)
      echo "$name ended; starting it again."
      # shellcheck disable=SC2086
      start "$name" silo "${ports[$name]}" ${settings[$name]}
      ;;
    *)
      echo "$name ended; stopping the rest." >&2
      exit 1
      ;;
  esac
done
