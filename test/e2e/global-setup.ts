// End-to-end tests need the real stack; without it they fail with a message saying how to start it.
import { execFileSync } from 'node:child_process';
import { loadStack } from '../support/stack';

export default function setup(): void {
  loadStack();
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    throw new Error("dockerd is not reachable: run 'npm run stack:up' (as root) before the end-to-end tests");
  }
}
