# Sourced, not run, by run.sh and cluster.sh: what both do before starting silos. Resolves the data folder against
# where the command was typed, moves to the repository, installs what is missing and builds the Silo; leaves the
# built binary's path in $silo_binary.
if [ -n "${SECRETSSTORE_DATA:-}" ]; then SECRETSSTORE_DATA=$(realpath -m "$SECRETSSTORE_DATA"); fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export SECRETSSTORE_DATA="${SECRETSSTORE_DATA:-$PWD/.data}"
bash scripts/ensure-prerequisites.sh
dotnet build src/Silo -c Release --nologo -v quiet
silo_binary=src/Silo/bin/Release/net10.0/SecretsStore.Silo.dll
