// Throw-away folders for secrets (a login's docker config, an env file): 0700, outside the job's _work
// tree, removed as soon as the call that needed them is done.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function withPrivateDir<T>(base: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(base, 'dockhand-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes docker's --env-file format (NAME=value per line) with mode 0600; returns the file's path. */
export async function writeEnvFile(dir: string, entries: Array<[string, string]>): Promise<string> {
  const file = path.join(dir, 'env');
  await writeFile(file, entries.map(([name, value]) => `${name}=${value}\n`).join(''), { mode: 0o600 });
  return file;
}
