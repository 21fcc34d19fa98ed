// Restarts the stack's dockerd under running tests, for faults and the soak. Containers die with it (no
// restart policy, as with the runner); other engineers' tests on a shared stack see a short outage.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, type Stack } from './stack';

/** Stops the stack's dockerd by its PID and starts it again through the stack script. */
export function restartDockerd(stack: Stack): void {
  const pid = Number(readFileSync(path.join(stack.dir, 'dockerd.pid'), 'utf8'));
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
      execFileSync('sleep', ['0.1']);
    } catch {
      break;
    }
  }
  execFileSync('bash', [path.join(repoRoot, 'test/stack/stack.sh'), 'up'], { stdio: 'ignore' });
  chmodSync(stack.dir, 0o700);
}
