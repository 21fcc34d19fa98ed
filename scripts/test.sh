#!/usr/bin/env bash
# The whole test suite from a clean clone: dependencies, the real stack, unit and end-to-end tests.
# Stops the stack afterwards if this run started it.
set -euo pipefail
cd "$(dirname "$0")/.."

[[ -d node_modules ]] || npm ci --no-audit --no-fund
# Stop the stack afterwards only if this run starts it. (Status is read whole first: with pipefail,
# `status | grep -q` fails whenever grep stops reading early.)
status="$(bash test/stack/stack.sh status)"
started_stack=0
[[ "$status" == *'registry: running'* ]] || started_stack=1
bash test/stack/stack.sh up
if ((started_stack)); then trap 'bash test/stack/stack.sh down' EXIT; fi

npm run --silent lint
npm run --silent typecheck
npm run --silent build
npx vitest run --config vitest.unit.config.ts
npx vitest run --config vitest.e2e.config.ts
npx vitest run --config vitest.reliability.config.ts
