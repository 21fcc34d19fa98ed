// The `dockhand` command: reads argv and the environment once, runs, sets the exit code.
import os from 'node:os';
import { main } from '../cli/main';

const env = Object.fromEntries(
  Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
);
const config = { env, home: os.homedir(), distDir: __dirname, self: [process.execPath, __filename] };
// A reader that goes away (`dockhand doctor | head`) ends the output, not the command: later lines are
// dropped, and the command finishes (for `run`, its cleanup included) with its own exit code.
let stdoutOpen = true;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  stdoutOpen = false;
  if (error.code !== 'EPIPE') process.stderr.write(`dockhand: cannot write output: ${error.message}\n`);
});
const out = {
  line: (text: string) => {
    if (stdoutOpen) process.stdout.write(`${text}\n`);
  },
};
const err = { line: (text: string) => process.stderr.write(`${text}\n`) };

void main(process.argv.slice(2), config, out, err).then((code) => {
  process.exitCode = code;
});
