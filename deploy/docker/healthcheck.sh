#!/bin/bash
# healthcheck.sh PATH: exits 0 when the local HTTP endpoint answers PATH with 200. The runtime image has no curl,
# so this speaks HTTP/1.0 over bash's /dev/tcp. The port is the one in ASPNETCORE_URLS (8080 by default).
set -euo pipefail
path=${1:-/healthz}
url=${ASPNETCORE_URLS:-http://+:8080}
url=${url%%;*}
url=${url%/}
port=${url##*:}
exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$path" >&3
read -r _ status _ <&3
[ "$status" = 200 ]
