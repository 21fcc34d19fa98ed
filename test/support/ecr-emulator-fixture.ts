// The ECR emulator as a fixture of one vitest file (kept apart from ecr-login.ts, which the benchmark
// imports outside vitest).
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startEcrEmulator, type EcrEmulator } from '../stack/ecr-emulator';
import { loadSecrets, loadStack } from './stack';

export interface EmulatorFixture {
  /** Started before the file's tests, reset before each, closed after. */
  emulator: EcrEmulator;
  /** The stack registry's password, which the emulator's tokens decode to. */
  password: string;
}

/** An ECR emulator for the calling test file, with the stack's registry password. */
export function useEcrEmulator(): EmulatorFixture {
  const fixture = { password: loadSecrets(loadStack()).ecrPassword } as EmulatorFixture;
  beforeAll(async () => {
    fixture.emulator = await startEcrEmulator({ password: fixture.password });
  });
  afterAll(() => fixture.emulator.close());
  beforeEach(() => fixture.emulator.reset());
  return fixture;
}
