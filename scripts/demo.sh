#!/usr/bin/env bash
# The main job end to end on the built-in local stack (see scripts/demo.ts). Leaves the stack running
# for more experiments; `npm run stack:down` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules ]] || npm ci --no-audit --no-fund
bash test/stack/stack.sh up
npm run --silent build
exec node_modules/.bin/tsx scripts/demo.ts
