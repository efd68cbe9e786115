#!/bin/sh
# Starts the silo as the container's main process (exec: it receives SIGTERM itself and stops gracefully).
set -eu

# The migrate and audit-prune commands may have the owner's connection string alone.
if [ -z "${ConnectionStrings__Postgres:-}${ConnectionStrings__PostgresOwner:-}" ]; then
  echo "ConnectionStrings__Postgres is not set: this image runs against an external PostgreSQL (see deploy/README.md)." >&2
  exit 64
fi

# Other silos reach this one at the address it advertises, which inside a container is the container's own and is
# known only once it runs. An explicit Orleans__AdvertisedIP wins (the Kubernetes Deployment sets it to the pod IP),
# and under Orleans' Kubernetes hosting Orleans finds the pod's address itself.
if [ -z "${Orleans__AdvertisedIP:-}" ] && [ "${Orleans__Kubernetes__Enabled:-false}" != "true" ]; then
  # getent prints "address  name…" for each address of the name; the first is the one to advertise.
  first() { echo "${1:-}"; }
  address=$(first $(getent hosts "$(hostname)" || true))
  if [ -z "$address" ]; then
    echo "Could not find this container's address; set Orleans__AdvertisedIP." >&2
    exit 64
  fi
  export Orleans__AdvertisedIP="$address"
fi

# The working directory is /app (the image's WORKDIR).
exec dotnet SecretsStore.Silo.dll "$@"
