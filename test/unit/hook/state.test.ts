// The saved state: read only when this runner's hook signed it; cleanup_job goes on without a forged one.
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readState, signState, type StateTrust, type UnsignedState } from '../../../src/hook/state';
import { stateKeyFile } from '../../../src/hook/state-key';
import type { HookCommand } from '../../../src/protocol/hook-types';
import { createJobLog } from '../../../src/protocol/job-log';
import { makeTempDir, removeTempDirs } from '../../support/temp';

afterAll(removeTempDirs);

const unsigned: UnsignedState = {
  version: 1,
  runnerId: 'r',
  jobId: 'j',
  network: 'n',
  container: { id: 'c', path: '/bin' },
  services: [{ id: 's', alias: 'postgres', image: 'postgres:16' }],
  apiVersion: '1.41',
};

function trustIn(dir: string, command: HookCommand = 'run_script_step') {
  const lines: string[] = [];
  const trust: StateTrust = {
    runnerId: 'r',
    keyFile: stateKeyFile(dir, 'r'),
    command,
    log: createJobLog({ write: (text) => lines.push(text) }, false),
  };
  return { trust, lines };
}

describe('saved state', () => {
  it('reads what prepare_job signed, in any member order, and nothing at all as null', () => {
    const { trust } = trustIn(makeTempDir('dockhand-state-'));
    const state = signState(unsigned, trust.keyFile);
    expect(readState(state, trust)).toEqual(state);
    const reordered = Object.fromEntries(Object.entries(state).reverse());
    expect(readState(reordered, trust)).toEqual(state);
    expect(readState(null, trust)).toBeNull();
  });

  it.each([
    ['another container', { container: { id: 'someone-else', path: '/bin' } }],
    ['another service', { services: [{ id: 'x', alias: 'postgres', image: 'postgres:16' }] }],
    ['another network', { network: 'theirs' }],
    ['no signature', { mac: '' }],
  ])('refuses a state changed after signing (%s) for a step', (_, change) => {
    const { trust } = trustIn(makeTempDir('dockhand-state-'));
    const forged = { ...signState(unsigned, trust.keyFile), ...change };
    expect(() => readState(forged, trust)).toThrow(/^the saved state does not carry this runner's signature/);
  });

  it("refuses another runner's state, and a state signed with another key", () => {
    const { trust } = trustIn(makeTempDir('dockhand-state-'));
    const state = signState(unsigned, trust.keyFile);
    expect(() => readState({ ...state, runnerId: 'other' }, trust)).toThrow(
      /^the saved state belongs to runner other, not to this one \(r\)/,
    );
    const elsewhere = trustIn(makeTempDir('dockhand-state-')).trust;
    const foreign = signState(unsigned, elsewhere.keyFile);
    expect(() => readState(foreign, trust)).toThrow(/does not carry this runner's signature/);
  });

  it("makes a new key for each job: an earlier job's state no longer verifies", () => {
    const { trust } = trustIn(makeTempDir('dockhand-state-'));
    const earlier = signState(unsigned, trust.keyFile);
    const later = signState({ ...unsigned, jobId: 'k' }, trust.keyFile);
    expect(readState(later, trust)).toEqual(later);
    expect(() => readState(earlier, trust)).toThrow(/does not carry this runner's signature/);
  });

  it('lets cleanup_job go on without a state of another version of dockhand', () => {
    const { trust, lines } = trustIn(makeTempDir('dockhand-state-'), 'cleanup_job');
    expect(readState({ version: 1, runnerId: 'r' }, trust)).toBeNull();
    expect(lines.join('')).toMatch(/^::warning::invalid hook state at jobId: .*; removing only what carries/);
  });

  it('lets cleanup_job go on without a forged state, saying why', () => {
    const { trust, lines } = trustIn(makeTempDir('dockhand-state-'), 'cleanup_job');
    const forged = { ...signState(unsigned, trust.keyFile), jobId: 'other' };
    expect(readState(forged, trust)).toBeNull();
    expect(lines.join('')).toMatch(
      /^::warning::the saved state does not carry this runner's signature .*; removing only what carries this runner's label\n$/,
    );
  });

  it('refuses a key file that is not a 0600 file of this user, and a missing one', () => {
    const dir = makeTempDir('dockhand-state-');
    const { trust } = trustIn(dir);
    const state = signState(unsigned, trust.keyFile);
    chmodSync(trust.keyFile, 0o644);
    expect(() => readState(state, trust)).toThrow(/is not a 32-byte file of this user with mode 0600/);
    const missing = { ...trust, keyFile: path.join(dir, 'none.key') };
    expect(() => readState(state, missing)).toThrow(
      /is gone: prepare_job makes it and cleanup_job removes it; re-run the job/,
    );
    const short = path.join(dir, 'short.key');
    writeFileSync(short, 'x', { mode: 0o600 });
    expect(() => readState(state, { ...trust, keyFile: short })).toThrow(/is not a 32-byte file/);
  });

  it('takes only an API version that can go into a request path as it is', () => {
    const { trust } = trustIn(makeTempDir('dockhand-state-'));
    expect(() =>
      readState({ ...signState(unsigned, trust.keyFile), apiVersion: '1.41/../../containers' }, trust),
    ).toThrow(/^invalid hook state at apiVersion/);
  });

  it('refuses state it did not write, naming where', () => {
    const { trust } = trustIn(makeTempDir('dockhand-state-'));
    expect(() => readState({ version: 1, runnerId: 'r' }, trust)).toThrow(
      /^invalid hook state at jobId: it was not written by this version of dockhand/,
    );
  });
});
