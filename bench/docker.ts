// The benchmarks' one way to run the docker CLI: argv as an array, an explicit environment, a bounded
// wait, and a failure that names the command and keeps docker's own words.
import { runProcess } from '../src/exec';

export type DockerEnv = Record<string, string>;

/** Runs `docker <args>`; resolves with its trimmed stdout, rejects when it exits non-zero. */
export async function docker(env: DockerEnv, args: string[], timeoutMs = 600_000): Promise<string> {
  const result = await runProcess(['docker', ...args], { env, timeoutMs });
  if (result.exitCode !== 0) {
    const why = result.timedOut ? `timed out after ${timeoutMs} ms` : result.stderr.trim();
    throw new Error(`docker ${args.slice(0, 2).join(' ')} failed: ${why}`);
  }
  return result.stdout.trim();
}

/** `docker image rm --force`, where a name that is already gone is not a failure. */
export async function removeImages(env: DockerEnv, refs: string[]): Promise<void> {
  try {
    await docker(env, ['image', 'rm', '--force', ...refs]);
  } catch (error) {
    const lines = (error as Error).message.split('\n').filter((line) => line.trim() !== '');
    if (!lines.every((line) => /No such image/i.test(line))) throw error;
  }
}
