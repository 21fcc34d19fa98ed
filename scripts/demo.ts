// The main job, end to end on the local stack: a container job whose image and service come from two
// private ECR-shaped registries, pulled by dockhand's hook through dockhand's ECR credential helper
// (AWS SDK -> ECR API emulator -> token -> docker -> registry), with no `docker login` and no
// credentials in the job. Prints the job log as the runner would show it, then a summary.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createReplayer, replayJob, type HookCall } from '../src/replay';
import { distDir, loadStack } from '../test/support/stack';

async function main(): Promise<number> {
  const stack = loadStack();
  const work = path.join(stack.dir, 'demo');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true, mode: 0o700 });

  // The runner host's docker config: ECR registries served by the ecr-login credential helper.
  const dockerConfig = mkdtempSync(path.join(work, 'docker-config-'));
  const credHelpers = {
    [stack.registries.ecrUsEast1]: 'ecr-login',
    [stack.registries.ecrEuWest1]: 'ecr-login',
  };
  writeFileSync(path.join(dockerConfig, 'config.json'), JSON.stringify({ credHelpers }, null, 2));

  const replayer = createReplayer({
    hookPath: path.join(distDir, 'hook.js'),
    runnerRoot: path.join(work, 'runner'),
    runnerName: 'demo-runner',
    env: {
      PATH: `${distDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: process.env.HOME ?? '/root',
      HOOK_DOCKER_CONFIG: dockerConfig,
      // What the runner host authenticates to AWS with; here the emulator stands in for AWS.
      AWS_ACCESS_KEY_ID: 'AKIADEMODEMODEMO0000',
      AWS_SECRET_ACCESS_KEY: 'demo-secret-access-key-not-real',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_ECR: stack.emulator.url,
      AWS_ECR_CACHE_DIR: path.join(work, 'ecr-cache'),
    },
    onOutput: (chunk) => process.stdout.write(chunk),
  });

  const ecrUs = stack.registries.ecrUsEast1;
  const ecrEu = stack.registries.ecrEuWest1;
  const result = await replayJob(replayer, {
    container: {
      image: `${ecrUs}/${stack.images.shell}`,
      env: { GREETING: 'hello from a private ECR image' },
    },
    services: [{ image: `${ecrEu}/${stack.images.web}`, ports: ['80'] }],
    steps: [
      { kind: 'script', script: 'echo "$GREETING"; cat /etc/os-release | head -1' },
      { kind: 'script', script: 'wget -q -O - http://web/', shell: 'sh' },
      { kind: 'container', image: `${ecrEu}/${stack.images.alpine}`, args: 'cat /etc/os-release' },
    ],
  });

  const rows: Array<[string, HookCall | null]> = [
    ['prepare_job', result.prepare],
    ...result.steps.map((s, i): [string, HookCall] => [`step ${i + 1} (${s.command})`, s]),
    ['cleanup_job', result.cleanup],
  ];
  console.log('\n' + 'call'.padEnd(34) + 'status'.padEnd(10) + 'time');
  for (const [name, call] of rows) {
    if (!call) continue;
    console.log(
      name.padEnd(34) +
        (call.exitCode === 0 ? 'ok' : `exit ${call.exitCode}`).padEnd(10) +
        `${(call.durationMs / 1000).toFixed(2)} s`,
    );
  }
  console.log(result.ok ? '\njob succeeded: no docker login, no credentials in the job' : '\njob FAILED');
  rmSync(work, { recursive: true, force: true });
  return result.ok ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
