#!/usr/bin/env bash
# Runs a command with the local test stack up: starts the stack if it is not running and, in that case
# only, stops it again when the command ends (however it ends). `npm test` and `npm run bench` run
# through it, so neither needs a stack started by hand and neither stops one somebody else started.
#
#   scripts/with-stack.sh <command> [args...]
set -euo pipefail
cd "$(dirname "$0")/.."
(($# > 0)) || { echo 'usage: scripts/with-stack.sh <command> [args...]' >&2; exit 2; }

[[ -d node_modules ]] || npm ci --no-audit --no-fund
# Status is read whole first: with pipefail, `status | grep -q` fails whenever grep stops reading early.
status="$(bash test/stack/stack.sh status)"
started_stack=0
[[ "$status" == *'registry: running'* ]] || started_stack=1
bash test/stack/stack.sh up
if ((started_stack)); then trap 'bash test/stack/stack.sh down' EXIT; fi
"$@"
