// Entrypoint the runner starts through ACTIONS_RUNNER_CONTAINER_HOOKS: reads the one JSON line on stdin,
// runs the command with the process environment read once, and exits with its code.
import { readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { runHookProcess } from '../hook/main';

// The runner closes stdin after one line: a synchronous read is the cheapest on the per-step path.
void runHookProcess({
  stdin: readFileSync(0, 'utf8'),
  env: process.env,
  stdout: process.stdout,
  system: { homedir: homedir(), tmpdir: tmpdir() },
}).then((code) => (process.exitCode = code));
