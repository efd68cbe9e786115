#!/bin/sh
# Run once by the postgres image as it initialises its volume (compose.yaml mounts it into
# /docker-entrypoint-initdb.d): the runtime role every SecretsStore process serves as. It owns nothing and may do
# nothing yet; the silos, migrating as the owner (POSTGRES_USER), grant it what the service needs and no more
# (deploy/README.md, "Database roles"). The password is a psql variable, never part of the SQL text.
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v runtime_password="$POSTGRES_RUNTIME_PASSWORD" <<'SQL'
CREATE ROLE secretsstore_runtime LOGIN PASSWORD :'runtime_password';
SQL
