// The saved state: read only when this runner's hook signed it; cleanup_job goes on without a forged one.
import { chmodSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MAX_JOB_IMAGES,
  readState,
  signState,
  withJobImage,
  type StateTrust,
  type UnsignedState,
} from '../../../src/hook/state';
import { removeStateKeys } from '../../../src/hook/state-key';
import type { HookCommand } from '../../../src/protocol/hook-types';
import { createJobLog } from '../../../src/protocol/job-log';
import { makeTempDir, removeTempDirs } from '../../support/temp';

afterAll(removeTempDirs);

const RUNNER = '0123456789abcdef';
const unsigned: UnsignedState = {
  version: 1,
  runnerId: RUNNER,
  jobId: 'j',
  network: 'n',
  container: { id: 'c', path: '/bin' },
  services: [{ id: 's', alias: 'postgres', image: 'postgres:16' }],
  apiVersion: '1.41',
};

function trustIn(dir: string, command: HookCommand = 'run_script_step') {
  const lines: string[] = [];
  const trust: StateTrust = {
    runnerId: RUNNER,
    privateBase: dir,
    command,
    log: createJobLog({ write: (text) => lines.push(text) }, false),
  };
  return { trust, lines };
}

describe('saved state', () => {
  it('reads what prepare_job signed, in any member order, and nothing at all as null', () => {
    const { trust } = trustIn(makeTempDir('dockhand-state-'));
    const state = signState(unsigned, trust.privateBase);
    expect(readState(state, trust)).toEqual(state);
    const reordered = Object.fromEntries(Object.entries(state).reverse());
    expect(readState(reordered, trust)).toEqual(state);
    expect(readState(null, trust)).toBeNull();
  });

  it.each([
    ['another container', { container: { id: 'someone-else', path: '/bin' } }],
    ['another service', { services: [{ id: 'x', alias: 'postgres', image: 'postgres:16' }] }],
    ['another network', { network: 'theirs' }],
    ['an image it did not use', { images: [{ ref: 'postgres:16', id: 'sha256:theirs' }] }],
    ['no signature', { mac: '' }],
  ])('refuses a state changed after signing (%s) for a step', (_, change) => {
    const { trust } = trustIn(makeTempDir('dockhand-state-'));
    const forged = { ...signState(unsigned, trust.privateBase), ...change };
    expect(() => readState(forged, trust)).toThrow(/^the saved state does not carry this runner's signature/);
  });

  it('remembers the images the job used, signed again with its key; a changed image id does not verify', () => {
    const { trust } = trustIn(makeTempDir('dockhand-state-'));
    const state = signState(unsigned, trust.privateBase);
    const first = withJobImage(state, 'alpine:3', 'sha256:a', trust);
    expect(first?.images).toEqual([{ ref: 'alpine:3', id: 'sha256:a' }]);
    expect(readState(first, trust)).toEqual(first);
    // Once there with that id, nothing to update; with a new id, the entry is replaced.
    expect(withJobImage(first!, 'alpine:3', 'sha256:a', trust)).toBeNull();
    const again = withJobImage(first!, 'alpine:3', 'sha256:b', trust);
    expect(again?.images).toEqual([{ ref: 'alpine:3', id: 'sha256:b' }]);
    expect(readState(again, trust)).toEqual(again);
    const forged = { ...again!, images: [{ ref: 'alpine:3', id: 'sha256:planted' }] };
    expect(() => readState(forged, trust)).toThrow(/^the saved state does not carry this runner's signature/);
    // Dropping the list is a change too: the state was signed with it.
    const { images: _, ...without } = again!;
    expect(() => readState(without, trust)).toThrow(
      /^the saved state does not carry this runner's signature/,
    );
  });

  it('remembers at most MAX_JOB_IMAGES images', () => {
    const { trust } = trustIn(makeTempDir('dockhand-state-'));
    let state = signState(unsigned, trust.privateBase);
    for (let i = 0; i < MAX_JOB_IMAGES; i++) state = withJobImage(state, `app:${i}`, `sha256:${i}`, trust)!;
    expect(state.images).toHaveLength(MAX_JOB_IMAGES);
    expect(withJobImage(state, 'one:more', 'sha256:x', trust)).toBeNull();
    expect(withJobImage(state, 'app:0', 'sha256:new', trust)?.images).toHaveLength(MAX_JOB_IMAGES);
    expect(() => readState({ ...state, images: [...state.images!, state.images![0]] }, trust)).toThrow(
      /^invalid hook state at images/,
    );
  });

  it("refuses another runner's state, and a state signed with another key", () => {
    const { trust } = trustIn(makeTempDir('dockhand-state-'));
    const state = signState(unsigned, trust.privateBase);
    expect(() => readState({ ...state, runnerId: 'other' }, trust)).toThrow(
      /^the saved state belongs to runner other, not to this one \(0123456789abcdef\)/,
    );
    const elsewhere = trustIn(makeTempDir('dockhand-state-')).trust;
    const foreign = signState(unsigned, elsewhere.privateBase);
    expect(() => readState(foreign, trust)).toThrow(/^the key that signs this job's state .* is gone/);
    expect(() => readState(foreign, elsewhere)).not.toThrow();
  });

  it("makes a new key for each job: once prepare_job removed the earlier keys, an earlier job's state fails", () => {
    const { trust } = trustIn(makeTempDir('dockhand-state-'));
    const earlier = signState(unsigned, trust.privateBase);
    removeStateKeys(trust.privateBase, RUNNER);
    const later = signState({ ...unsigned, jobId: 'k' }, trust.privateBase);
    expect(readState(later, trust)).toEqual(later);
    expect(() => readState(earlier, trust)).toThrow(/^the key that signs this job's state .* is gone/);
  });

  it('lets cleanup_job go on without a state of another version of dockhand', () => {
    const { trust, lines } = trustIn(makeTempDir('dockhand-state-'), 'cleanup_job');
    expect(readState({ version: 1, runnerId: RUNNER }, trust)).toBeNull();
    expect(lines.join('')).toMatch(/^::warning::invalid hook state at jobId: .*; removing only what carries/);
  });

  it('lets cleanup_job go on without a forged state, saying why', () => {
    const { trust, lines } = trustIn(makeTempDir('dockhand-state-'), 'cleanup_job');
    const forged = { ...signState(unsigned, trust.privateBase), jobId: 'other' };
    expect(readState(forged, trust)).toBeNull();
    expect(lines.join('')).toMatch(
      /^::warning::the saved state does not carry this runner's signature .*; removing only what carries this runner's label\n$/,
    );
  });

  it('refuses a key file that is not a 0600 file of this user, and a missing one', () => {
    const dir = makeTempDir('dockhand-state-');
    const { trust } = trustIn(dir);
    const state = signState(unsigned, trust.privateBase);
    const keyFile = path.join(dir, state.keyName);
    chmodSync(keyFile, 0o644);
    expect(() => readState(state, trust)).toThrow(/is not a 32-byte file of this user with mode 0600/);
    writeFileSync(keyFile, 'x', { mode: 0o600 });
    chmodSync(keyFile, 0o600);
    expect(() => readState(state, trust)).toThrow(/is not a 32-byte file/);
    rmSync(keyFile);
    expect(() => readState(state, trust)).toThrow(
      /is gone: prepare_job makes it and cleanup_job removes it; re-run the job/,
    );
  });

  it("reads a key only by a key's name of this runner's, which the state names", () => {
    const { trust } = trustIn(makeTempDir('dockhand-state-'));
    const state = signState(unsigned, trust.privateBase);
    expect(state.keyName).toMatch(/^dockhand-state-0123456789abcdef-[0-9a-f]{32}\.key$/);
    expect(() => readState({ ...state, keyName: '../../etc/shadow' }, trust)).toThrow(
      /^invalid hook state at keyName/,
    );
    const othersKey = state.keyName.replace(RUNNER, 'fedcba9876543210');
    expect(() => readState({ ...state, keyName: othersKey }, trust)).toThrow(/is not a key of this runner's/);
  });

  it('names each key at random, so nobody can plant a file at the name of the next one', () => {
    const dir = makeTempDir('dockhand-state-');
    // What another local user could plant in a shared /tmp at the one name keys had before.
    writeFileSync(path.join(dir, `dockhand-state-${RUNNER}.key`), '');
    const first = signState(unsigned, dir);
    const second = signState(unsigned, dir);
    expect(first.keyName).not.toBe(second.keyName);
    expect(readState(second, trustIn(dir).trust)).toEqual(second);
  });

  it("removes this runner's keys at the end of a job, and nothing else", () => {
    const dir = makeTempDir('dockhand-state-');
    const ours = signState(unsigned, dir);
    const theirs = signState({ ...unsigned, runnerId: 'fedcba9876543210' }, dir);
    writeFileSync(path.join(dir, 'unrelated'), '');
    removeStateKeys(dir, RUNNER);
    expect(existsSync(path.join(dir, ours.keyName))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual([theirs.keyName, 'unrelated'].sort());
  });

  it('takes only an API version that can go into a request path as it is', () => {
    const { trust } = trustIn(makeTempDir('dockhand-state-'));
    expect(() =>
      readState({ ...signState(unsigned, trust.privateBase), apiVersion: '1.41/../../containers' }, trust),
    ).toThrow(/^invalid hook state at apiVersion/);
  });

  it('refuses state it did not write, naming where', () => {
    const { trust } = trustIn(makeTempDir('dockhand-state-'));
    expect(() => readState({ version: 1, runnerId: RUNNER }, trust)).toThrow(
      /^invalid hook state at jobId: it was not written by this version of dockhand/,
    );
  });
});
