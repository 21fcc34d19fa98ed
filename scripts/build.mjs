// Builds the three self-contained CommonJS bundles the runner and Docker start with a plain Node 20:
// no node_modules beside them.
import { build } from 'esbuild';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';

const entries = {
  hook: 'src/bin/hook.ts',
  'ecr-login': 'src/bin/ecr-login.ts',
  cli: 'src/bin/cli.ts',
  // The AWS SDK half of ecr-login, required by dist/ecr-login.js only on a cache miss, so that a cache hit
  // neither reads nor compiles the SDK (it is most of the code).
  'ecr-login-aws': 'src/ecr/api.ts',
};

const { version } = JSON.parse(await readFile('package.json', 'utf8'));

await mkdir('dist', { recursive: true });
await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minifySyntax: true,
  legalComments: 'none',
  sourcemap: false,
  metafile: false,
  logLevel: 'warning',
  // src/protocol/version.ts: every bundle says which release it is.
  define: { DOCKHAND_VERSION: JSON.stringify(version) },
});

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
await writeFile('dist/docker-credential-ecr-login', launcher);
await chmod('dist/docker-credential-ecr-login', 0o755);

// The bundles are CommonJS whatever package.json around them says.
await writeFile('dist/package.json', '{ "type": "commonjs" }\n');
