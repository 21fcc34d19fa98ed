// The registry check's first half: the helper's answer, read as the hook reads it for a pull, from the
// fixture helper (a real process). Hosts that give a user name would go on to a registry; these do not.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRegistry } from '../../../../src/cli/doctor/checks-registry';
import { doctorSetup } from '../../../../src/cli/doctor/setup';
import { runnerLayout } from '../../../../src/cli/runner-folder';

const fixtures = path.join(__dirname, '../../../fixtures/docker/credentials');
const setup = doctorSetup(runnerLayout('/r'), { PATH: `${fixtures}:/usr/bin:/bin` }, null, '/root');

describe('doctor, a registry helper', () => {
  it('takes an identity token as docker does, without probing the registry with it', async () => {
    const results = await checkRegistry({ host: 'token.example', helper: 'fixture' }, setup);
    expect(results.map((result) => [result.status, result.detail])).toEqual([
      ['pass', 'docker-credential-fixture gave an identity token'],
      ['pass', 'identity token: checked by docker at login time, not here'],
    ]);
    expect(JSON.stringify(results)).not.toContain('identity-token-1');
  });

  it('fails an answer that is not the helper protocol, without echoing it', async () => {
    const [result] = await checkRegistry({ host: 'garbled.example', helper: 'fixture' }, setup);
    expect(result?.status).toBe('fail');
    expect(result?.detail).toBe('docker-credential-fixture get did not print {"Username","Secret"}');
  });
});
