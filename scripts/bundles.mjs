// The three self-contained CommonJS bundles the runner and Docker start with a plain Node 20 (no
// node_modules beside them), the helper launcher, and the version they say they are. Used by
// build.mjs (into dist/) and release.mjs (into the release folder).
import { build } from 'esbuild';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const entries = {
  hook: 'src/bin/hook.ts',
  'ecr-login': 'src/bin/ecr-login.ts',
  cli: 'src/bin/cli.ts',
  // The AWS SDK half of ecr-login, required by ecr-login.js only on a cache miss, so that a cache hit
  // neither reads nor compiles the SDK (it is most of the code).
  'ecr-login-aws': 'src/ecr/api.ts',
};

// Docker finds credential helpers as `docker-credential-<name>` on PATH; this launcher runs the bundle
// with whichever node is first on PATH (the runner image's launcher pins the runner's own Node 20).
// It forks nothing unless it is reached through a symlink: Docker starts it for every pull, and two
// command substitutions cost a tenth of a cache-hit `get`.
const launcher = [
  '#!/bin/sh',
  'self=$0',
  'case $self in */*) ;; *) self=./$self ;; esac',
  '[ -L "$self" ] && self=$(readlink -f "$self")',
  'exec node "${self%/*}/ecr-login.js" "$@"',
  '',
].join('\n');

/** Builds into `outdir`; returns esbuild's metafile (what went into each bundle). */
export async function buildBundles(outdir, version) {
  await mkdir(outdir, { recursive: true });
  const result = await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minifySyntax: true,
    legalComments: 'none',
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
    // src/protocol/version.ts: every bundle says which release it is.
    define: { DOCKHAND_VERSION: JSON.stringify(version) },
  });
  const helper = path.join(outdir, 'docker-credential-ecr-login');
  await writeFile(helper, launcher);
  await chmod(helper, 0o755);
  return result.metafile;
}
