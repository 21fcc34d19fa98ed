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

# ARC's dind mode needs a second dockerd, the "sidecar": it runs for its one test file only.
arc_dind_e2e() {
  bash test/stack/stack.sh dind up
  local status=0
  npx vitest run --config vitest.e2e.config.ts test/e2e/arc-dind.test.ts || status=$?
  bash test/stack/stack.sh dind down
  return "$status"
}

npx vitest run --config vitest.e2e.config.ts --exclude test/e2e/arc-dind.test.ts
arc_dind_e2e
npx vitest run --config vitest.reliability.config.ts
