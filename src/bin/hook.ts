// Entrypoint the runner starts through ACTIONS_RUNNER_CONTAINER_HOOKS: reads the one JSON line on stdin,
// runs the command with the process environment read once, and exits with its code.
import { readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { cancelHook } from '../hook/cancel';
import { runHookProcess } from '../hook/main';
import { sharedStdout } from '../protocol/job-log';

// process.stdout is touched only when something is printed: opening it costs.
const stdout = sharedStdout((chunk) => process.stdout.write(chunk));

// A cancelled job: SIGINT, then SIGTERM. Each ends this process, after its children and secrets.
let cancels = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(
    signal,
    () => void cancelHook(signal, cancels++ > 0, stdout.log).then((code) => process.exit(code)),
  );

// The runner closes stdin after one line: a synchronous read is the cheapest on the per-step path.
void runHookProcess({
  stdin: readFileSync(0, 'utf8'),
  env: process.env,
  stdout: stdout.log,
  stepOutput: { stdout: stdout.step, stderr: (chunk) => process.stderr.write(chunk) },
  system: { homedir: homedir(), tmpdir: tmpdir() },
}).then((code) => (process.exitCode = code));
