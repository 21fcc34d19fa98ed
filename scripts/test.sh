#!/usr/bin/env bash
# The whole test suite on the running stack: lint, types, unit, end-to-end and reliability tests.
# `npm test` runs it through scripts/with-stack.sh, which starts the stack first when it is not up.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent lint
npm run --silent typecheck
npm run --silent build
npx vitest run --config vitest.unit.config.ts
bash test/stack/stack.sh images-real
# DOCKHAND_SHAPED_LINK=1: the end-to-end and reliability tests pull over a link limited like a real network.
if [[ -n "${DOCKHAND_SHAPED_LINK:-}" ]]; then
  bash test/stack/stack.sh shape on
  trap 'bash test/stack/stack.sh shape off' EXIT
fi
npx vitest run --config vitest.e2e.config.ts
npx vitest run --config vitest.reliability.config.ts
