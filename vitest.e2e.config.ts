import { defineConfig } from 'vitest/config';
import { testEngineHost } from './test/support/stack';

const engineHost = testEngineHost();

// End-to-end tests drive the real stack (dockerd, registry, emulator); they fail, never skip, without it.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // DOCKHAND_TEST_ENGINE=podman: every docker call of the tests, and the hook's, go to podman.
    env: engineHost ? { DOCKER_HOST: engineHost } : {},
  },
});
