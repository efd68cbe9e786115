#!/usr/bin/env bash
# Runs a command with an account's secrets in its environment, one variable per secret (NAME=value), as a Worker
# sees its bound secrets. Two credentials, each with only what it needs:
#   LIST_TOKEN     an account token with `read` permission: lists the stores and secret names (never a value)
#   SERVICE_TOKEN  a service token granted ACCOUNT: reads the values its consumer scopes (or its own stores) allow; others are skipped
# Usage:
#   BASE=http://127.0.0.1:8787/client/v4 ACCOUNT=<account id> LIST_TOKEN=... SERVICE_TOKEN=... \
#     examples/with-secrets.sh -- node server.js
# Needs bash, curl and jq. Values never touch the disk or the command line; they live in this process and the
# command it becomes.
set -euo pipefail
: "${BASE:?set BASE, e.g. http://127.0.0.1:8787/client/v4}" "${ACCOUNT:?set ACCOUNT}" "${LIST_TOKEN:?set LIST_TOKEN}" "${SERVICE_TOKEN:?set SERVICE_TOKEN}"
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: $0 -- command [args...]" >&2; exit 64; }

get() { curl -sS --fail-with-body -H "Authorization: Bearer $1" "$BASE$2"; }

# Every item of a paged list: pages until the service answers an empty page.
list() {
  local page=1 items
  while items=$(get "$LIST_TOKEN" "$1?per_page=100&page=$page" | jq -c '.result[]') && [ -n "$items" ]; do
    printf '%s\n' "$items"
    page=$((page + 1))
  done
}

while read -r store; do
  while read -r secret; do
    name=$(jq -r .name <<<"$secret")
    # 404 means this service may not read it (no matching scope): leave it out. Anything else is an error.
    status=0
    answer=$(get "$SERVICE_TOKEN" "/system/accounts/$ACCOUNT/stores/$store/secrets/$(jq -r .id <<<"$secret")/value") || status=$?
    if [ $status -ne 0 ]; then
      jq -e '.errors[0].code == 1001 and .errors[0].message == "secret_not_found"' <<<"$answer" >/dev/null 2>&1 && continue
      echo "reading $name failed: $answer" >&2
      exit 1
    fi
    # The x keeps a value's trailing newlines, which command substitution would strip.
    value=$(jq -j .result.value <<<"$answer"; printf x)
    export "$name=${value%x}"
  done < <(list "/accounts/$ACCOUNT/secrets_store/stores/$store/secrets")
done < <(list "/accounts/$ACCOUNT/secrets_store/stores" | jq -r .id)

exec "$@"
