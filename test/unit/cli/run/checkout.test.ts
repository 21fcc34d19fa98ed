import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { readCheckout, repositoryOfUrl } from '../../../../src/cli/run/checkout';

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

it('reads sha, branch and origin of the checkout the workflow is in, loose or packed, in a linked worktree too', () => {
  dir = mkdtempSync(path.join(tmpdir(), 'dockhand-checkout-'));
  const repo = path.join(dir, 'repo');
  mkdirSync(path.join(repo, '.github/workflows'), { recursive: true });
  const workflow = path.join(repo, '.github/workflows/ci.yml');
  writeFileSync(workflow, 'on: push\n');
  git(repo, 'init', '-q', '-b', 'feature');
  git(repo, 'remote', 'add', 'origin', 'git@github.com:octo-org/demo.git');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'x');
  const sha = git(repo, 'rev-parse', 'HEAD');
  expect(readCheckout(workflow)).toEqual({ sha, ref: 'refs/heads/feature', repository: 'octo-org/demo' });
  git(repo, 'pack-refs', '--all');
  expect(readCheckout(workflow)?.sha).toBe(sha);
  const linked = path.join(dir, 'linked');
  git(repo, 'worktree', 'add', '-q', '-b', 'other', linked);
  expect(readCheckout(path.join(linked, '.github/workflows/ci.yml'))).toEqual({
    sha,
    ref: 'refs/heads/other',
    repository: 'octo-org/demo',
  });
  git(repo, 'checkout', '-q', '--detach');
  expect(readCheckout(workflow)).toEqual({ sha, ref: undefined, repository: 'octo-org/demo' });
});

it('has nothing to say outside a checkout', () => {
  dir = mkdtempSync(path.join(tmpdir(), 'dockhand-checkout-'));
  writeFileSync(path.join(dir, 'ci.yml'), 'on: push\n');
  expect(readCheckout(path.join(dir, 'ci.yml'))).toBeUndefined();
});

it.each([
  ['https://github.com/octo/demo.git', 'octo/demo'],
  ['https://github.com/octo/demo', 'octo/demo'],
  ['git@github.com:octo/demo.git', 'octo/demo'],
  ['ssh://git@ghe.example.com/octo/demo.git', 'octo/demo'],
])('%s is %s', (url, repository) => {
  expect(repositoryOfUrl(url)).toBe(repository);
});
