// Throw-away folders: named after runner and process, 0700, removed after use or at once on a cancel,
// and swept when their process is gone, but only this runner's own folders.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  attributePrivateDirs,
  removePrivateDirsNow,
  sweepStalePrivateDirs,
  withPrivateDir,
} from '../../../src/docker/private-dir';
import { makeTempDir, removeTempDirs } from '../../support/temp';

afterAll(removeTempDirs);
const runnerId = '0123456789abcdef';
const gone = spawnSync('true').pid; // a pid whose process has ended

describe('private dirs', () => {
  it('are named after the runner and this process, 0700, and removed after use', async () => {
    const base = makeTempDir('dockhand-private-');
    attributePrivateDirs(runnerId);
    const seen = await withPrivateDir(base, async (dir) => {
      expect(path.basename(dir)).toMatch(new RegExp(`^dockhand-${runnerId}-${process.pid}-[0-9a-f]{12}$`));
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      return dir;
    });
    expect(existsSync(seen)).toBe(false);
  });

  it('are all removed at once on a cancel, while still in use', async () => {
    const base = makeTempDir('dockhand-private-');
    await withPrivateDir(base, async (dir) => {
      writeFileSync(path.join(dir, 'config.json'), 'secret');
      removePrivateDirsNow();
      expect(readdirSync(base)).toEqual([]);
    });
  });

  it("sweeps only this runner's folders whose process is gone, and never follows a link", () => {
    const base = makeTempDir('dockhand-private-');
    const target = makeTempDir('dockhand-link-target-');
    writeFileSync(path.join(target, 'keep'), '');
    const stale = `dockhand-${runnerId}-${gone}-aaaaaaaaaaaa`;
    const kept = [
      `dockhand-fedcba9876543210-${gone}-aaaaaaaaaaaa`, // another runner's
      `dockhand-${runnerId}-${process.pid}-aaaaaaaaaaaa`, // a live process's
      `dockhand-${runnerId}-${gone}-bbbbbbbbbbbb`, // a link, not a folder
      'dockhand-Xy12Ab', // not attributable
    ];
    for (const name of [stale, kept[0], kept[1], kept[3]]) mkdirSync(path.join(base, name as string));
    symlinkSync(target, path.join(base, kept[2] as string));
    expect(sweepStalePrivateDirs(base, runnerId)).toEqual([path.join(base, stale)]);
    expect(readdirSync(base).sort()).toEqual([...kept].sort());
    expect(readdirSync(target)).toEqual(['keep']);
  });
});
