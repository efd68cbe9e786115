#!/usr/bin/env bash
# Runs the deploy/ checks (deploy.test.mjs) and ends with one line in the form .ci/run adds up:
# "Deploy checks - Failed: N, Passed: N". Exits non-zero when a check fails or the checks cannot run.
set -uo pipefail
cd "$(dirname "$0")"
if ! npm ci --no-audit --no-fund --loglevel=error; then
  echo "Deploy checks - Failed: 1, Passed: 0 (npm ci failed)"
  exit 1
fi
tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
node --test --test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination="$tap" deploy.test.mjs
status=$?
passed=$(sed -n 's/^# pass \([0-9][0-9]*\)$/\1/p' "$tap" | tail -1)
failed=$(sed -n 's/^# fail \([0-9][0-9]*\)$/\1/p' "$tap" | tail -1)
passed=${passed:-0}
failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "Deploy checks - Failed: ${failed}, Passed: ${passed}"
exit "$status"
