// What every command is given: the typed configuration the entrypoint read once, and where to write.

export interface CliConfig {
  /** The environment dockhand was started with (the runner's own environment, for doctor). */
  env: Readonly<Record<string, string>>;
  home: string;
  /** Folder holding the bundles next to dist/cli.js (hook.js, ecr-login.js). */
  distDir: string;
  /** How to start this same CLI again (node and cli.js), for checks that need a clean environment. */
  self: readonly string[];
}

export interface Output {
  line(text: string): void;
}

/** A failure the user can fix: shown as one line, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}
