// The Alpine check reads the job container's /etc/os-release, which the image decides: /dev/zero or a
// FIFO there must neither grow nor hang the hook. Anything odd is "not Alpine", with a debug line.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { jobContainer } from '../../src/replay';
import {
  buildShellImage,
  measuringNode,
  removeBuiltImages,
  testRunner,
  type TestRunner,
} from './hook-support';
import { removeTempDirs } from '../support/temp';

let runner: TestRunner | undefined;
afterEach(() => runner?.dispose());
afterAll(() => {
  removeBuiltImages();
  removeTempDirs();
});

describe('hook, the Alpine check', () => {
  it.each([
    // Read to 8 KB: zeros, not an ID=alpine line.
    ['/dev/zero', 'ln -sf /dev/zero /etc/os-release', null],
    ['a FIFO', 'rm /etc/os-release && mkfifo /etc/os-release', 'gave no end in 10 s: left unread'],
  ])(
    'takes a job container whose os-release is %s as not Alpine, in bounded time and memory',
    async (name, run, why) => {
      const image = buildShellImage(`dockhand-e2e-os-release/${name.replace(/\W/g, '').toLowerCase()}:1`, [`RUN ${run}`]);
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
