#!/usr/bin/env bash
# The whole test suite on the running stack: lint, types, unit, end-to-end and reliability tests.
# `npm test` runs it through scripts/with-stack.sh, which starts the stack first when it is not up.
set -euo pipefail
cd "$(dirname "$0")/.."

# podman as a second engine: the part of the end-to-end suite that covers every hook command (prepare_job
# with services by alias and health checks, script and container steps, cleanup_job, a pull through a
# credential helper), the socket mount and doctor's engine line, against the stack's podman. Its socket
# is stopped again when this script started it.
PODMAN_FILES=(
  test/e2e/hook-helper-path.test.ts
  test/e2e/hook-container-step.test.ts
  test/e2e/hook-health.test.ts
  test/e2e/hook-failures.test.ts
  test/e2e/hook-engine-mounts.test.ts
  test/e2e/cli-doctor-engine.test.ts
  test/e2e/create-body.test.ts
)
run_podman_subset() {
  local status started=0 result=0
  status="$(bash test/stack/stack.sh podman status)"
  [[ "$status" == *'podman: running'* ]] || started=1
  bash test/stack/stack.sh podman up
  DOCKHAND_TEST_ENGINE=podman npx vitest run --config vitest.e2e.config.ts "${PODMAN_FILES[@]}" || result=$?
  if ((started)); then bash test/stack/stack.sh podman down; fi
  return "$result"
}
# ARC's dind mode needs a second dockerd, the "sidecar": it runs for its one test file only.
arc_dind_e2e() {
  bash test/stack/stack.sh dind up
  local status=0
  npx vitest run --config vitest.e2e.config.ts test/e2e/arc-dind.test.ts || status=$?
  bash test/stack/stack.sh dind down
  return "$status"
}

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

npx vitest run --config vitest.e2e.config.ts --exclude test/e2e/arc-dind.test.ts
arc_dind_e2e
npx vitest run --config vitest.reliability.config.ts
run_podman_subset
