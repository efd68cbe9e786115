#!/usr/bin/env bash
# Runs a command with an account's secrets in its environment, one variable per secret (NAME=value), as a Worker
# sees its bound secrets. Two credentials, each with only what it needs:
#   LIST_TOKEN     an account token with `read` permission: lists the stores and secret names (never a value)
#   SERVICE_TOKEN  a service token granted ACCOUNT: reads the values its consumer scopes (or its own stores) allow; others are skipped
# Usage:
#   BASE=http://127.0.0.1:8787/client/v4 ACCOUNT=<account id> LIST_TOKEN=... SERVICE_TOKEN=... \
#     examples/with-secrets.sh -- node server.js
# Needs bash, curl and jq.
#
# What it promises:
# - Values never touch the disk or a command line: they live in this process and the command it becomes. Tokens never
#   reach a command line either (curl reads its Authorization header from a pipe, not from its arguments, which any
#   local user can read in ps), and the command does not inherit them.
# - All or nothing. The command runs only if every list and every read answered, and no secret the service may read
#   has a name that changes how a program loads or runs (LD_PRELOAD, PATH, NODE_OPTIONS, BASH_ENV, PYTHONPATH, ...:
#   see _ws_refusal). Anyone who can create a secret this service may read picks its name, so such a name would hand
#   them the command. Otherwise it exits 1 before the command starts, saying which secret and why.
# - A secret whose name cannot be an environment variable (database-url, 2FA_KEY: a store's names may hold - and
#   start with a digit) is skipped, and its value is never read; one warning names every such secret.
# - No value is ever printed: not on stdout, not on stderr, not in a warning or an error.
set -euo pipefail
: "${BASE:?set BASE, e.g. http://127.0.0.1:8787/client/v4}" "${ACCOUNT:?set ACCOUNT}" "${LIST_TOKEN:?set LIST_TOKEN}" "${SERVICE_TOKEN:?set SERVICE_TOKEN}"
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: $0 -- command [args...]" >&2; exit 64; }
command -v curl >/dev/null && command -v jq >/dev/null || { echo "with-secrets: needs curl and jq" >&2; exit 1; }

# Every variable of this script starts with _ws_ and no secret may take such a name, so the secrets, exported only
# once everything is read, can change nothing this script does.

_ws_say() { printf 'with-secrets: %s\n' "$*" >&2; }

_ws_fail() {
  _ws_say "$@"
  _ws_say "the command was not run"
  exit 1
}

# GET $BASE$2 with the bearer token $1: sets _ws_status (000 when nothing answered) and _ws_body. curl's own messages
# are dropped; the caller says what failed.
_ws_get() {
  local out
  out=$(curl --silent --globoff -H @<(printf 'Authorization: Bearer %s\n' "$1") --write-out '\n%{http_code}' "$BASE$2" 2>/dev/null) || true
  _ws_status=${out##*$'\n'}
  _ws_body=${out%$'\n'*}
}

# Why the last request failed, in the service's words when it answered with its error envelope (error messages
# never hold a value).
_ws_why() {
  local message
  [ "$_ws_status" != 000 ] && [ -n "$_ws_status" ] || { echo "no answer from $BASE"; return; }
  message=$(printf '%s' "$_ws_body" | jq -r '.errors[0] // empty | "\(.code) \(.message)"' 2>/dev/null) || message=
  echo "HTTP $_ws_status${message:+ ($message)}"
}

# Every item of a paged list, one compact JSON object per line, into _ws_items. A page that fails stops everything:
# a list cut short would run the command without some of its secrets.
_ws_list() {
  local what=$1 path=$2 page=1 items
  _ws_items=
  while :; do
    _ws_get "$LIST_TOKEN" "$path?per_page=100&page=$page"
    [ "$_ws_status" = 200 ] || _ws_fail "listing $what failed: $(_ws_why)"
    items=$(printf '%s' "$_ws_body" | jq -c '.result[]' 2>/dev/null) || _ws_fail "listing $what failed: the answer is not a list"
    [ -n "$items" ] || return 0
    _ws_items+=$items$'\n'
    page=$((page + 1))
  done
}

# Whether a secret's name can be an environment variable at all: letters, digits and _, not starting with a digit.
_ws_is_variable_name() { [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; }

# Why a variable name may not become a variable of the command's environment; nothing when it may.
_ws_refusal() {
  case $1 in
    _ws_*) echo "names starting _ws_ are this script's own" ;;
    LD_* | GCONV_PATH | GETCONF_DIR | GLIBC_TUNABLES | MALLOC_* | LOCPATH | NLSPATH | HOSTALIASES | LOCALDOMAIN | RES_OPTIONS)
      echo "it changes which libraries the dynamic linker or the C library loads into every program" ;;
    DYLD_*) echo "it changes which libraries the macOS dynamic linker loads into every program" ;;
    PATH | IFS | CDPATH | ENV | BASH_ENV | BASH_* | BASHOPTS | SHELLOPTS | PS4 | PROMPT_COMMAND | ZDOTDIR | INPUTRC)
      echo "it changes which programs a shell runs, or what a shell runs before the command" ;;
    UID | EUID | PPID | GROUPS | FUNCNAME | RANDOM | SRANDOM | SECONDS | LINENO | HISTCMD | EPOCHSECONDS | EPOCHREALTIME | DIRSTACK | PIPESTATUS | OPTIND | OPTARG | COMP_*)
      echo "bash sets it itself" ;;
    SHELL | EDITOR | VISUAL | PAGER | MANPAGER | LESSOPEN | LESSCLOSE | BROWSER | SSH_ASKPASS | SUDO_ASKPASS)
      echo "programs run its value as a command" ;;
    HOME | XDG_*) echo "it changes where programs read their configuration and plug-ins from" ;;
    NODE_* | NPM_CONFIG_* | npm_config_*) echo "it changes how Node.js or npm starts (preloaded code, module paths, trusted certificates)" ;;
    PYTHON*) echo "it changes how Python starts (module paths, a startup file, its home)" ;;
    PERL5* | PERLLIB | PERL_*) echo "it changes how Perl starts (options, module paths)" ;;
    RUBY* | GEM_* | BUNDLE_*) echo "it changes how Ruby starts (options, library and gem paths)" ;;
    JAVA_TOOL_OPTIONS | _JAVA_OPTIONS | JDK_JAVA_OPTIONS | JAVA_OPTS | JAVA_HOME | CLASSPATH)
      echo "it changes how a Java VM starts and what it loads" ;;
    DOTNET_* | COREHOST_* | CORECLR_* | COMPlus_*) echo "it changes how .NET starts (startup hooks, profilers, the runtime itself)" ;;
    PHPRC | PHP_INI_SCAN_DIR | LUA_INIT* | LUA_PATH* | LUA_CPATH* | R_PROFILE* | R_ENVIRON* | TCLLIBPATH | GOFLAGS | GOROOT | GOTOOLCHAIN)
      echo "it changes how an interpreter or toolchain starts and what it loads" ;;
    GIT_*) echo "it changes what git runs and which configuration it reads" ;;
    OPENSSL_* | SSL_CERT_FILE | SSL_CERT_DIR | CURL_CA_BUNDLE | REQUESTS_CA_BUNDLE)
      echo "it changes which certificates TLS trusts, or which modules OpenSSL loads" ;;
    HTTP_PROXY | HTTPS_PROXY | ALL_PROXY | NO_PROXY | http_proxy | https_proxy | all_proxy | no_proxy)
      echo "it sends the command's network traffic through a proxy of its choosing" ;;
  esac
}

# An item's id and name into _ws_id and _ws_item_name (names hold no tab: docs/api.md, "Objects"). An item without
# both stops everything.
_ws_item() {
  local fields
  fields=$(printf '%s' "$2" | jq -r 'select((.id | type) == "string" and (.name | type) == "string") | .id + "\t" + .name' 2>/dev/null) || fields=
  _ws_id=${fields%%$'\t'*}
  _ws_item_name=${fields#*$'\t'}
  [[ $_ws_id =~ ^[0-9a-fA-F]{32}$ && -n $_ws_item_name ]] || _ws_fail "listing $1 failed: an item has no id or name"
}

_ws_names=()
_ws_values=()
_ws_refused=()
_ws_skipped=()
_ws_list stores "/accounts/$ACCOUNT/secrets_store/stores"
_ws_stores=$_ws_items
while IFS= read -r -u 3 _ws_store; do
  [ -n "$_ws_store" ] || continue
  _ws_item stores "$_ws_store"
  _ws_store_id=$_ws_id
  _ws_store_name=$_ws_item_name
  _ws_list "the secrets of store $_ws_store_name" "/accounts/$ACCOUNT/secrets_store/stores/$_ws_store_id/secrets"
  while IFS= read -r -u 4 _ws_secret; do
    [ -n "$_ws_secret" ] || continue
    _ws_item "the secrets of store $_ws_store_name" "$_ws_secret"
    _ws_name=$_ws_item_name
    # No environment can hold it, so its value is not even asked for (whether or not this service may read it).
    if ! _ws_is_variable_name "$_ws_name"; then
      _ws_skipped+=("$_ws_name (store $_ws_store_name)")
      continue
    fi
    _ws_get "$SERVICE_TOKEN" "/system/accounts/$ACCOUNT/stores/$_ws_store_id/secrets/$_ws_id/value"
    # 404 secret_not_found means this service may not read it (no matching scope): it is not the command's.
    if [ "$_ws_status" = 404 ] && [ "$(printf '%s' "$_ws_body" | jq -r '.errors[0].message' 2>/dev/null)" = secret_not_found ]; then
      continue
    fi
    [ "$_ws_status" = 200 ] || _ws_fail "reading secret $_ws_name (store $_ws_store_name) failed: $(_ws_why)"
    _ws_reason=$(_ws_refusal "$_ws_name")
    if [ -n "$_ws_reason" ]; then
      _ws_refused+=("refusing secret $_ws_name (store $_ws_store_name): $_ws_reason; rename it, or take it out of this service's scopes")
      continue
    fi
    # The x keeps a value's trailing newlines, which command substitution would strip.
    _ws_value=$(printf '%s' "$_ws_body" | jq -j '.result.value | strings' 2>/dev/null && printf x) \
      || _ws_fail "reading secret $_ws_name (store $_ws_store_name) failed: the answer holds no value"
    _ws_names+=("$_ws_name")
    _ws_values+=("${_ws_value%x}")
  done 4<<<"$_ws_items"
done 3<<<"$_ws_stores"

if [ ${#_ws_skipped[@]} -gt 0 ]; then
  _ws_list_of_skipped=$(printf '%s, ' "${_ws_skipped[@]}")
  _ws_say "skipping ${#_ws_skipped[@]} secret(s) whose names cannot be environment variables (letters, digits and _, not starting with a digit): ${_ws_list_of_skipped%, }"
fi

if [ ${#_ws_refused[@]} -gt 0 ]; then
  printf 'with-secrets: %s\n' "${_ws_refused[@]}" >&2
  _ws_fail "${#_ws_refused[@]} secret(s) refused"
fi

# The command gets its secrets, not the credentials that read them.
unset LIST_TOKEN SERVICE_TOKEN
for _ws_i in "${!_ws_names[@]}"; do
  export "${_ws_names[_ws_i]}=${_ws_values[_ws_i]}"
done
exec "$@"
