// End-to-end tests need the real stack; without it they fail with a message saying how to start it.
import { execFileSync } from 'node:child_process';
import { loadStack, testEngineHost } from '../support/stack';

export default function setup(): void {
  loadStack();
  const engineHost = testEngineHost();
  const env = { ...process.env, ...(engineHost ? { DOCKER_HOST: engineHost } : {}) };
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000, env });
  } catch {
    throw new Error(
      engineHost
        ? `podman is not reachable at ${engineHost}: run 'test/stack/stack.sh podman up' (as root) first`
        : "dockerd is not reachable: run 'npm run stack:up' (as root) before the end-to-end tests",
    );
  }
}
