// Entrypoint the runner starts through ACTIONS_RUNNER_CONTAINER_HOOKS: reads the one JSON line on stdin,
// runs the command with the process environment read once, and exits with its code.
import { readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { runHookProcess } from '../hook/main';

// The runner closes stdin after one line: a synchronous read is the cheapest on the per-step path.
void runHookProcess({
  stdin: readFileSync(0, 'utf8'),
  env: process.env,
  // Touched only when something is printed: a step prints nothing itself, and opening stdout costs.
  stdout: { write: (text: string) => process.stdout.write(text) },
  system: { homedir: homedir(), tmpdir: tmpdir() },
}).then((code) => (process.exitCode = code));
