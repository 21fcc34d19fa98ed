// Staged rollout by repository: one runner serves pilot repositories with every feature and the rest with
// reference behaviour, the job log says which rule applied, and a job cannot pick its own rule.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runnerIdOf } from '../../src/hook/config';
import { replayJob, type JobSpec } from '../../src/replay';
import { containersLabelled, ecr, networksLabelled, testRunner, type TestRunner } from './hook-support';

let runner: TestRunner | undefined;
afterEach(() => runner?.dispose());
const rulesDir = mkdtempSync(path.join(os.tmpdir(), 'dockhand-feature-rules-'));
afterAll(() => rmSync(rulesDir, { recursive: true, force: true }));

const RULES = 'octo-org/pilot-*=all;*=none';

/** A job whose step says whether the service is reachable by its alias (the `service-aliases` feature). */
function aliasJob(env: Record<string, string> = {}): JobSpec {
  return {
    env,
    container: { image: ecr('dockhand/shell:1') },
    services: [{ image: ecr('dockhand/web:1') }],
    steps: [
      {
        kind: 'script',
        script: 'nslookup web >/dev/null 2>&1 && echo "web resolves" || echo "web is unknown"',
      },
    ],
  };
}

describe('feature rules by repository', () => {
  it('gives a pilot repository every feature, and says which rule applied', async () => {
    runner = testRunner({ HOOK_FEATURES_RULES: RULES }, { repository: 'octo-org/pilot-web' });
    const result = await replayJob(runner.replayer, aliasJob());
    const log = runner.output();
    expect(result.ok, log).toBe(true);
    expect(log).toContain('feature rule octo-org/pilot-*=all applies to octo-org/pilot-web: features all\n');
    expect(log).toContain('web resolves');
  });

  it('gives the other repositories reference behaviour, even when the job sets GITHUB_REPOSITORY', async () => {
    runner = testRunner({ HOOK_FEATURES_RULES: RULES }, { repository: 'octo-org/billing' });
    const result = await replayJob(runner.replayer, aliasJob({ GITHUB_REPOSITORY: 'octo-org/pilot-web' }));
    const log = runner.output();
    expect(result.ok, log).toBe(true);
    expect(log).toContain('feature rule *=none applies to octo-org/billing: features none\n');
    expect(log).toContain('web is unknown');
    expect(log).not.toContain('::group::Service ');
  });

  it('reads the rules from HOOK_FEATURES_FILE', async () => {
    const file = path.join(rulesDir, 'features.json');
    writeFileSync(
      file,
      JSON.stringify({ rules: [{ repository: 'octo-org/pilot-web', features: 'none,+service-aliases' }] }),
    );
    runner = testRunner({ HOOK_FEATURES_FILE: file }, { repository: 'octo-org/pilot-web' });
    const result = await replayJob(runner.replayer, aliasJob());
    const log = runner.output();
    expect(result.ok, log).toBe(true);
    expect(log).toContain(
      'feature rule octo-org/pilot-web=none,+service-aliases applies to octo-org/pilot-web: features service-aliases\n',
    );
    expect(log).toContain('web resolves');
    expect(log).not.toContain('::group::Service ');
  });

  it('refuses a bad rule in one line and creates nothing', async () => {
    runner = testRunner({ HOOK_FEATURES_RULES: 'octo-org/pilot-*' }, { repository: 'octo-org/pilot-web' });
    const result = await replayJob(runner.replayer, aliasJob());
    const log = runner.output();
    expect(result.prepare?.exitCode).toBe(1);
    // cleanup_job, which the runner always calls, refuses the same way.
    expect(log.split('\n')[0]).toBe(
      "::error::dockhand prepare_job: HOOK_FEATURES_RULES: 'octo-org/pilot-*' is not <owner/name pattern>=<features>, e.g. my-org/pilot-*=all;*=none",
    );
    const label = `dockhand.runner=${runnerIdOf(runner.replayer.layout.temp)}`;
    expect(networksLabelled(label)).toEqual([]);
    expect(containersLabelled(label)).toEqual([]);
  });
});
