// `dockhand run` on the sample workflows in examples/workflows, through the built CLI and hook, pulling
// from the stack's registries with its test credential helper (no login step, no credentials in YAML).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStack, repoRoot } from '../support/stack';
import { runCliAsync, type CliResult } from './cli-support';

const stack = loadStack();

/** Async so a long pull never blocks the test process; the job log is collected as it streams. */
function dockhandRun(workflow: string, extra: string[] = []): Promise<CliResult> {
  const file = path.join(repoRoot, 'examples/workflows', workflow);
  return runCliAsync(['run', file, '--job', 'test', ...extra], {
    PATH: `${stack.stackHelper.binDir}:/usr/local/bin:/usr/bin:/bin`,
    HOME: '/nonexistent',
    DOCKER_CONFIG: stack.stackHelper.dockerConfig,
  });
}

function summaryRow(out: string, step: string): string {
  return out.split('\n').find((line) => line.startsWith(`${step}  `)) ?? `(no summary row for ${step})`;
}

describe('dockhand run', () => {
  it('plays the sample job: container, service by name, docker step, with groups and a summary', async () => {
    const result = await dockhandRun('ci.yml');
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('── Initialize containers\n');
    expect(result.stdout).toMatch(/^▸ /m);
    expect(result.stdout).not.toContain('::group::');
    expect(result.stdout).toContain('hello from the job\nID=alpine\n');
    expect(result.stdout).toContain('hello from the dockhand web service');
    expect(result.stdout).toContain('from a docker step');
    for (const step of [
      'Initialize containers',
      'Show the job container',
      'A docker step',
      'Stop containers',
    ]) {
      expect(summaryRow(result.stdout, step), result.stdout).toMatch(/ success +\d+\.\d s$/);
    }
    expect(result.status, result.stdout).toBe(0);
  });

  it('stops at a failing step, shows it failed and the next one not run, and exits 1', async () => {
    const result = await dockhandRun('failing-step.yml');
    expect(result.stdout).toContain('about to fail');
    expect(result.stdout).not.toContain('never printed\n');
    expect(summaryRow(result.stdout, 'Fails on purpose'), result.stdout).toMatch(/ failure +\d+\.\d s$/);
    expect(summaryRow(result.stdout, 'Run echo never printed'), result.stdout).toMatch(/ not run +-$/);
    expect(summaryRow(result.stdout, 'Stop containers'), result.stdout).toMatch(/ success/);
    expect(result.status, result.stdout).toBe(1);
  });

  it('fails Initialize containers on an unhealthy service, runs no step, still cleans up', async () => {
    const result = await dockhandRun('unhealthy-service.yml');
    expect(result.stdout, result.stdout).toMatch(/web.*unhealthy/);
    expect(summaryRow(result.stdout, 'Initialize containers'), result.stdout).toMatch(/ failure/);
    expect(summaryRow(result.stdout, 'Run echo never reached'), result.stdout).toMatch(/ not run/);
    expect(summaryRow(result.stdout, 'Stop containers'), result.stdout).toMatch(/ success/);
    expect(result.status, result.stdout).toBe(1);
  });

  it('refuses an unknown job with the jobs the file has', async () => {
    const result = await dockhandRun('ci.yml', ['--job', 'nope']);
    expect(result.stderr).toContain('dockhand: ');
    expect(result.stderr).toContain("no job 'nope' in this workflow; its jobs are: test");
    expect(result.status).toBe(2);
  });
});
