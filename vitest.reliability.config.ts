import { defineConfig } from 'vitest/config';

// Load, faults, hostile input and secrets on the real stack (issue 6); bounded, one file at a time.
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    globalSetup: ['test/reliability/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
