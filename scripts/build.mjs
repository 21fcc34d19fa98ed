// Builds dist/: the bundles (scripts/bundles.mjs), with the version package.json says.
import { readFile, writeFile } from 'node:fs/promises';
import { buildBundles } from './bundles.mjs';

const { version } = JSON.parse(await readFile('package.json', 'utf8'));
await buildBundles('dist', version);
// The bundles are CommonJS whatever package.json around them says.
await writeFile('dist/package.json', '{ "type": "commonjs" }\n');
