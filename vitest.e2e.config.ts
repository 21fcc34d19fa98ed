import { defineConfig } from 'vitest/config';

// End-to-end tests drive the real stack (dockerd, registry, emulator); they fail, never skip, without it.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
