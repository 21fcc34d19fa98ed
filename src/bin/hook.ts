// Entrypoint the runner starts through ACTIONS_RUNNER_CONTAINER_HOOKS: reads the one JSON line on stdin,
// runs the command with the process environment read once, and exits with its code.
import { homedir, tmpdir } from 'node:os';
import { runHookProcess } from '../hook/main';

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  process.exitCode = await runHookProcess({
    stdin: Buffer.concat(chunks).toString('utf8'),
    env: process.env,
    stdout: process.stdout,
    system: { homedir: homedir(), tmpdir: tmpdir() },
  });
}

void main();
