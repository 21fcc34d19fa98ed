// Throw-away folders for secrets (a login's docker config, the env proxy's socket): 0700, outside the job's _work
// tree, removed as soon as the call that needed them is done.
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';

export async function withPrivateDir<T>(base: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(base, 'dockhand-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
