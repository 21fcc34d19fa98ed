// What a job's images decide reaches the hook: a job container's /etc/os-release (read for the Alpine
// check) and services' logs (printed at cleanup_job). /dev/zero or a FIFO as os-release must neither grow
// nor hang the hook; a service log must reach the job log as text (no annotation, no mask, no group), and
// a service that logs a lot must not grow the hook with it.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { JobLogRenderer } from '../../src/cli/run/log-renderer';
import { jobContainer, serviceContainer } from '../../src/replay';
import { removeTempDirs } from '../support/temp';
import {
  buildShellImage,
  measuringNode,
  removeBuiltImages,
  testRunner,
  type TestRunner,
} from './hook-support';

let runner: TestRunner | undefined;
afterEach(() => runner?.dispose());

afterAll(() => {
  removeBuiltImages();
  removeTempDirs();
});

/** A local image that runs `script`, then stays up, ready (for its health check) once it printed. */
const serviceImage = (name: string, script: string) =>
  buildShellImage(`dockhand-e2e-logs/${name}:1`, [
    `CMD ["sh", "-c", ${JSON.stringify(`${script}; touch /ready; exec tail -f /dev/null`)}]`,
  ]);

const readyOptions = '--health-cmd "test -f /ready" --health-interval 1s --health-retries 300';

/** The job log as the runner shows it: commands applied, masks applied, text as text. */
function rendered(output: string): string[] {
  const lines: string[] = [];
  const log = new JobLogRenderer((line) => lines.push(line));
  log.push(output);
  log.flush();
  return lines;
}

describe('hook, service logs', () => {
  it('prints a service log that holds workflow commands as text', async () => {
    const image = serviceImage(
      'commands',
      "echo '::error file=app.js,line=1::injected annotation'; echo '::add-mask::Removed'; echo '::endgroup::'",
    );
    runner = testRunner();
    const prepare = await runner.replayer.prepareJob({
      container: null,
      services: [serviceContainer({ image, options: readyOptions })],
    });
    expect(prepare.exitCode, runner.output()).toBe(0);
    expect((await runner.replayer.cleanupJob()).exitCode, runner.output()).toBe(0);
    // `docker logs --details` starts each line with a space, which the runner skips when it looks for commands.
    const log = rendered(runner.output()).map((line) => line.trim());
    expect(log).toContain('::error file=app.js,line=1::injected annotation');
    expect(log).toContain('::add-mask::Removed');
    expect(log).toContain('::endgroup::');
    expect(log.join('\n')).not.toContain('Error: injected annotation');
    // Not masked: the service's ::add-mask:: was text.
    expect(log).toContain("Removed this job's containers, network and built images");
  });

  it('keeps only the end of a log over HOOK_SERVICE_LOG_MAX_MB, with the hook staying small', async () => {
    // 8192 lines of 8 KB: 64 MB of log from each of two services.
    const image = serviceImage(
      'chatty',
      'line=$(head -c 8000 /dev/zero | tr "\\0" x); i=0; while [ $i -lt 8192 ]; do echo "$i $line"; i=$((i+1)); done; echo END-OF-LOG',
    );
    const node = measuringNode();
    runner = testRunner({ HOOK_SERVICE_LOG_MAX_MB: '1' }, { nodePath: node.nodePath });
    const prepare = await runner.replayer.prepareJob({
      container: null,
      services: [
        serviceContainer({ image, options: readyOptions }),
        serviceContainer({ image, options: readyOptions }),
      ],
    });
    expect(prepare.exitCode, runner.output()).toBe(0);
    expect((await runner.replayer.cleanupJob()).exitCode, runner.output().slice(-2000)).toBe(0);
    const cleanupPeakMb = (node.peaksKb().at(-1) ?? 0) / 1024;
    console.log(
      `hook peak RSS at cleanup_job with 2 x 64 MB of service logs: ${cleanupPeakMb.toFixed(0)} MB`,
    );
    expect(cleanupPeakMb).toBeLessThan(150);
    const output = runner.output();
    const cut = output.match(
      /\(the first [\d.]+ MB of this log are left out: only its last [\d.]+ MB are shown/g,
    );
    expect(cut).toHaveLength(2);
    expect(output.match(/^ ?END-OF-LOG$/gm)).toHaveLength(2);
    expect(output).not.toMatch(/^ ?0 x+$/m);
  });
});

describe('hook, the Alpine check', () => {
  it.each([
    // Read to 8 KB: zeros, not an ID=alpine line.
    ['/dev/zero', 'ln -sf /dev/zero /etc/os-release', null],
    ['a FIFO', 'rm /etc/os-release && mkfifo /etc/os-release', 'gave no end in 10 s: left unread'],
  ])(
    'takes a job container whose os-release is %s as not Alpine, in bounded time and memory',
    async (name, run, why) => {
      const image = buildShellImage(`dockhand-e2e-os-release/${name.replace(/\W/g, '').toLowerCase()}:1`, [
        `RUN ${run}`,
      ]);
      const node = measuringNode();
      runner = testRunner({ RUNNER_DEBUG: '1' }, { nodePath: node.nodePath });
      const container = jobContainer({ image }, runner.replayer.layout);
      try {
        const prepare = await runner.replayer.prepareJob({ container, services: [] });
        expect(prepare.exitCode, runner.output()).toBe(0);
        expect(prepare.response?.isAlpine).toBe(false);
        expect((node.peaksKb()[0] ?? 0) / 1024).toBeLessThan(150);
        if (why) expect(runner.output()).toContain(`::debug::taking the job container as not Alpine: `);
        if (why) expect(runner.output()).toContain(why);
      } finally {
        expect((await runner.replayer.cleanupJob()).exitCode, runner.output()).toBe(0);
      }
    },
  );
});
