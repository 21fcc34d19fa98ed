// The benchmarks' one way to run the docker CLI: argv as an array, an explicit environment, a bounded
// wait, and a failure that names the command and keeps docker's own words.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
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

/**
 * `docker <args>` reading `parts` on its stdin one after another (bytes as they are, a string as the path
 * of a file to stream), as `cat parts | docker args` would, without holding a file of their sum on disk.
 */
export async function dockerWithInput(
  env: DockerEnv,
  args: string[],
  parts: Array<Buffer | string>,
  timeoutMs = 600_000,
): Promise<string> {
  // A spawn of its own: runProcess takes stdin as one string, and these inputs are hundreds of MB.
  const child = spawn('docker', args, { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  async function* input() {
    for (const part of parts) {
      if (Buffer.isBuffer(part)) yield part;
      else yield* createReadStream(part);
    }
  }
  // A docker that stops reading breaks the pipe: its exit status and stderr then say why.
  const fed = pipeline(input, child.stdin).then(
    () => null,
    (error: unknown) => error as Error,
  );
  const code = await exited;
  const feedError = await fed;
  if (code !== 0)
    throw new Error(`docker ${args.slice(0, 2).join(' ')} failed: ${stderr.trim() || `exit status ${code}`}`);
  if (feedError) throw feedError;
  return stdout.trim();
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

/**
 * Removes every image carrying `label` (copies an interrupted run left behind, tagged or not); returns
 * the ids of those still there (e.g. used by a container).
 */
export async function removeImagesLabelled(env: DockerEnv, label: string): Promise<string[]> {
  const labelled = ['image', 'ls', '--all', '--quiet', '--no-trunc', '--filter', `label=${label}`];
  const leftovers = unique(await docker(env, labelled));
  if (leftovers.length > 0) await removeImages(env, leftovers);
  return unique(await docker(env, labelled));
}

const unique = (lines: string): string[] => [...new Set(lines.split('\n').filter((line) => line !== ''))];
