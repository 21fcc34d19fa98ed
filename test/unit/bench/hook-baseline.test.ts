// The baseline's `docker create` for a container, as the runner builds it: a workflow's `options:`
// (its health check, say) must reach Docker, or the baseline would skip the waits the runner makes.
import { describe, expect, it } from 'vitest';
import { containerStepRunOptions, createArgs } from '../../../bench/hook-baseline';
import { containerStep, jobLayout, serviceContainer } from '../../../src/replay';

describe('baseline createArgs', () => {
  it("passes a service's options to docker create, split as the runner's command line splits them", () => {
    const service = serviceContainer({
      image: 'registry.example/postgres:15',
      options: '--health-cmd "pg_isready -U postgres" --health-interval 10s',
    });
    const args = createArgs('dockhand.bench=1', 'github_network_1', service, false, 'postgres');
    const image = args.indexOf('registry.example/postgres:15');
    expect(image).toBe(args.length - 1);
    const options = ['--health-cmd', 'pg_isready -U postgres', '--health-interval', '10s'];
    const at = args.indexOf('--health-cmd');
    expect(at).toBeGreaterThan(0);
    expect(args.slice(at, at + 4)).toEqual(options);
  });

  it('adds nothing for a container without options', () => {
    const args = createArgs('l', 'n', serviceContainer({ image: 'img' }), false, null);
    expect(args).toEqual([
      'create',
      '--label',
      'l',
      '--network',
      'n',
      '-e',
      'GITHUB_ACTIONS=true',
      '-e',
      'CI=true',
      'img',
    ]);
  });
});

describe('containerStepRunOptions', () => {
  it("names the step's variables with -e NAME only: their values stay off the command line", () => {
    const step = containerStep(
      { image: 'img', entryPoint: 'echo', args: 'a b', env: { TOKEN: 'secret-value' } },
      jobLayout('/runner'),
    );
    const options = containerStepRunOptions('l', 'n', 'step-1', step);
    expect(options.join(' ')).not.toContain('secret-value');
    expect(options).toContain('TOKEN');
    expect(options.slice(0, 4)).toEqual(['--name', 'step-1', '--label', 'l']);
    expect(options.slice(-3)).toEqual(['img', 'a', 'b']);
    expect(options.slice(options.indexOf('--network'), options.indexOf('--network') + 2)).toEqual([
      '--network',
      'n',
    ]);
    expect(options).not.toContain('--rm');
  });
});
