// Runs the ECR emulator as a process for the stack: --port, --secrets (the stack's secrets.json),
// --request-log (JSON lines). Stopped by SIGTERM from stack.sh.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEcrEmulator } from './ecr-emulator.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    secrets: { type: 'string' },
    'request-log': { type: 'string' },
  },
});
if (!values.secrets) throw new Error('ecr-emulator: --secrets <stack secrets.json> is required');
const secrets = JSON.parse(readFileSync(values.secrets, 'utf8')) as { ecrPassword: string };

void startEcrEmulator({
  password: secrets.ecrPassword,
  port: Number(values.port),
  requestLog: values['request-log'],
}).then((emulator) => {
  console.log(`ecr-emulator: listening on ${emulator.url}`);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void emulator.close().then(() => process.exit(0)));
  }
});
