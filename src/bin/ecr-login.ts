// docker-credential-ecr-login: Docker runs it with one action argument and the input on stdin.
import { homedir } from 'node:os';
import path from 'node:path';
import { readSync, writeSync } from 'node:fs';
import type * as AwsModule from '../ecr/api';
import { runEcrLogin } from '../ecr/main';

// The AWS SDK lives in its own bundle beside this one, required only on a cache miss (see scripts/build.mjs).
// The cast is safe: that bundle is src/ecr/api.ts, built by the same build (its type is imported here).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known only at run time, on purpose
const loadAws = (): typeof AwsModule => require(path.join(__dirname, 'ecr-login-aws.js')) as typeof AwsModule;

// Docker shows this helper's stderr to the user: one reason line, no Node warnings (the SDK's, on versions).
process.removeAllListeners('warning');

/** Docker sends a server URL or one small JSON object: more than 64 KiB is not docker, and is not read. */
function readStdin(limit = 64 * 1024): string {
  const buffer = Buffer.alloc(limit + 1);
  let length = 0;
  for (let read = 1; read > 0 && length <= limit; length += read) {
    read = readSync(0, buffer, length, buffer.length - length, null);
  }
  if (length > limit)
    throw new Error(`the input on stdin is over ${limit} bytes; docker sends one server URL`);
  return buffer.toString('utf8', 0, length);
}

void runEcrLogin({
  args: process.argv.slice(2),
  // Synchronous: node:stream/consumers alone costs a third of a bare node start-up.
  stdin: () => Promise.resolve(readStdin()),
  env: process.env,
  homeDir: homedir(),
  uid: process.getuid!(),
  parentPid: () => process.ppid,
  loadAws,
}).then(({ stdout, stderr, exitCode }) => {
  // Plain fd writes (a line each): setting up process.stdout costs a fifth of a bare node start-up.
  writeSync(2, stderr);
  writeSync(1, stdout);
  // A metadata socket left open by the SDK must not keep the helper alive.
  process.exit(exitCode);
});
