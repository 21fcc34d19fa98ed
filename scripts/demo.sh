#!/usr/bin/env bash
# The main job end to end on the built-in local stack: `dockhand run` plays the container job of
# examples/workflows/ci.yml through the hook exactly as a runner would. Its job container and service
# come from two private ECR-shaped registries and are pulled through dockhand's ECR credential helper
# (AWS SDK -> ECR API emulator -> token -> docker -> registry): no `docker login`, no credentials in
# the workflow. The stack keeps running afterwards; `npm run stack:down` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules ]] || npm ci --no-audit --no-fund
bash test/stack/stack.sh up
npm run --silent build

stack="${DOCKHAND_STACK_DIR:-$PWD/.stack}"
work="$stack/demo"
rm -rf "$work"
mkdir -p -m 700 "$work/docker-config"
# The runner host's docker config: ECR registries through ecr-login; the non-ECR one through the
# stack's own test helper.
cat >"$work/docker-config/config.json" <<JSON
{
  "credHelpers": {
    "123456789012.dkr.ecr.us-east-1.amazonaws.com": "ecr-login",
    "210987654321.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login",
    "registry.dockhand.test": "dockhand-stack"
  }
}
JSON

# What the runner host authenticates to AWS with. The emulator stands in for AWS, so these keys are
# placeholders, not secrets.
export HOOK_DOCKER_CONFIG="$work/docker-config"
export PATH="$PWD/dist:$stack/bin:$PATH"
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=demo-placeholder-not-a-real-key
export AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_ECR=http://127.0.0.1:47123
export AWS_ECR_CACHE_DIR="$work/ecr-cache"
export AWS_EC2_METADATA_DISABLED=true

status=0
node dist/cli.js run examples/workflows/ci.yml --job test || status=$?
rm -rf "$work"
exit "$status"
