#!/usr/bin/env bash
# The whole test suite from a clean clone: dependencies, the real stack, unit and end-to-end tests.
# Stops the stack afterwards if this run started it.
set -euo pipefail
cd "$(dirname "$0")/.."

[[ -d node_modules ]] || npm ci --no-audit --no-fund
started_stack=0
if [[ ! -f .stack/stack.json ]] || ! bash test/stack/stack.sh status | grep -q 'registry: running'; then
  started_stack=1
fi
bash test/stack/stack.sh up
if ((started_stack)); then trap 'bash test/stack/stack.sh down' EXIT; fi

npm run --silent lint
npm run --silent typecheck
npm run --silent build
npx vitest run --config vitest.unit.config.ts
npx vitest run --config vitest.e2e.config.ts
npx vitest run --config vitest.reliability.config.ts
