// `npm run release [-- --version <v>] [-- --out <dir>]`: builds dockhand-<version>.tgz, one artifact a
// runner host unpacks with plain tar (no npm) or installs with `npm install -g`. It holds the bundles,
// the helper launcher, a `dockhand` command, README, licence, changelog, the licences of everything
// bundled, and SHA256SUMS. The archive is reproducible: sorted, owned by 0:0, dated SOURCE_DATE_EPOCH
// (else the last commit), gzip without a name or time.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buildBundles } from './bundles.mjs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const { values } = parseArgs({
  options: { version: { type: 'string', default: pkg.version }, out: { type: 'string', default: 'release' } },
});
const version = values.version;
if (!/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version)) {
  throw new Error(`--version ${version} is not a version like 0.2.0 or 0.2.0-rc.1`);
}
const name = `dockhand-${version}`;

// Run from a host's shell: the runner's own Node when --runner names a runner folder and the user running
// dockhand owns that Node and every folder from the runner folder down to it (stat -L: through any link),
// else node on PATH. Root never starts the runner folder's Node, nor does anyone else: its owner can
// replace it. cli.js then settles who acts on the folder (src/cli/privileges.ts).
const COMMAND = `#!/bin/sh
# dockhand ${version}: runs cli.js beside this file (also when reached through a symlink, as npm links it).
self=$0
case $self in */*) ;; *) self=$(command -v -- "$self") ;; esac
[ -L "$self" ] && self=$(readlink -f "$self")
here=\${self%/*}
runner=
previous=
for argument in "$@"; do
  [ "$previous" = --runner ] && runner=$argument
  case $argument in --runner=*) runner=\${argument#--runner=} ;; esac
  previous=$argument
done
node=
me=$(id -u)
if [ -n "$runner" ] && [ "$me" != 0 ]; then
  for version in node24 node20; do
    candidate=$runner/externals/$version/bin/node
    [ -x "$candidate" ] || continue
    owned=yes
    for part in "$runner" "$runner/externals" "$runner/externals/$version" "$runner/externals/$version/bin" "$candidate"; do
      [ "$(stat -L -c %u -- "$part" 2>/dev/null)" = "$me" ] || owned=no
    done
    [ "$owned" = yes ] && { node=$candidate; break; }
  done
fi
[ -z "$node" ] && node=$(command -v node)
if [ -z "$node" ] && [ "$*" = --version ]; then
  echo "dockhand ${version}"
  exit 0
fi
if [ -z "$node" ]; then
  echo "dockhand: no node to run with: install Node 20 or later on PATH, or run dockhand as the runner user with --runner <runner folder> (it then uses the runner's own Node)" >&2
  exit 2
fi
exec "$node" "$here/cli.js" "$@"
`;

/** Each node_modules package that went into a bundle, by folder. */
function bundledPackages(metafile) {
  const folders = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
    if (match) folders.add(match[1]);
  }
  return [...folders].map((folder) => {
    const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8'));
    const file = readdirSync(folder).find((entry) => /^(licen[cs]e|copying)(\.|$)/i.test(entry));
    return {
      id: `${manifest.name} ${manifest.version}`,
      license: manifest.license,
      text: file === undefined ? null : readFileSync(path.join(folder, file), 'utf8').trim(),
    };
  });
}

/** Every bundled package with its licence; one text per distinct licence, the packages under it. */
function thirdPartyLicenses(packages) {
  const byText = new Map();
  for (const entry of packages.filter((p) => p.text !== null)) {
    byText.set(entry.text, [...(byText.get(entry.text) ?? []), entry]);
  }
  const lines = [
    `Third-party software in dockhand ${version} (bundled into cli.js, hook.js, ecr-login.js, ecr-login-aws.js),`,
    'with its licence.',
    '',
  ];
  for (const entry of packages.filter((p) => p.text === null)) {
    if (!entry.license) throw new Error(`${entry.id} names no licence and ships no licence file`);
    const same = packages.find((p) => p.text !== null && p.license === entry.license);
    if (same === undefined) throw new Error(`${entry.id} (${entry.license}) ships no licence file`);
    byText.get(same.text).push({ ...entry, note: 'ships no licence file; its package.json says' });
  }
  for (const [text, users] of [...byText].sort((a, b) => a[1][0].id.localeCompare(b[1][0].id))) {
    lines.push('='.repeat(78));
    for (const user of users.sort((a, b) => a.id.localeCompare(b.id)))
      lines.push(`${user.id} (${user.note ? `${user.note} ` : ''}${user.license})`);
    lines.push('-'.repeat(78), text, '');
  }
  return `${lines.join('\n')}\n`;
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function sourceDateEpoch() {
  if (process.env.SOURCE_DATE_EPOCH) return process.env.SOURCE_DATE_EPOCH;
  return execFileSync('git', ['log', '-1', '--format=%ct'], { encoding: 'utf8' }).trim();
}

const staging = mkdtempSync(path.join(os.tmpdir(), 'dockhand-release-'));
try {
  const folder = path.join(staging, name);
  const metafile = await buildBundles(folder, version);
  writeFileSync(path.join(folder, 'dockhand'), COMMAND);
  chmodSync(path.join(folder, 'dockhand'), 0o755);
  const released = {
    name: 'dockhand',
    version,
    description: pkg.description,
    license: pkg.license,
    engines: pkg.engines,
    // The bundles are CommonJS; `npm install -g` links `dockhand` onto PATH.
    type: 'commonjs',
    bin: { dockhand: 'dockhand' },
  };
  writeFileSync(path.join(folder, 'package.json'), `${JSON.stringify(released, null, 2)}\n`);
  for (const file of ['README.md', 'LICENSE', 'CHANGELOG.md']) copyFileSync(file, path.join(folder, file));
  // The README links into docs/ (the operator guide above all): the release carries them.
  cpSync('docs', path.join(folder, 'docs'), { recursive: true });
  writeFileSync(path.join(folder, 'THIRD-PARTY-LICENSES.txt'), thirdPartyLicenses(bundledPackages(metafile)));
  const files = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
  writeFileSync(
    path.join(folder, 'SHA256SUMS'),
    files.map((file) => `${sha256(path.join(folder, file))}  ${file}\n`).join(''),
  );
  const tar = execFileSync(
    'tar',
    [
      '--sort=name',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      `--mtime=@${sourceDateEpoch()}`,
      '-cf',
      '-',
      name,
    ],
    { cwd: staging, maxBuffer: 256 * 1024 * 1024 },
  );
  mkdirSync(values.out, { recursive: true });
  const tarball = path.join(values.out, `${name}.tgz`);
  // zlib writes no file name and a zero time into the gzip header: the same sources give the same bytes.
  writeFileSync(tarball, gzipSync(tar, { level: 9 }));
  console.log(`${tarball}  sha256 ${sha256(tarball)}`);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
