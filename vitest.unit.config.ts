import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 10_000,
    // GitHub's workflow parser imports its JSON schema without an import attribute, which Node's own
    // loader refuses: let Vite load it, as esbuild does for the bundle.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
