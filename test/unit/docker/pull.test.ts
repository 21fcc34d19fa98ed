// The pull's decisions against a daemon answering as the stack's did (test/fixtures/docker/engine-pull):
// which credentials go in which request, and what an answer means.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImagePullError, type ImageOperations } from '../../../src/docker/engine-images';
import { obtainImage, type PullRequest, type PullSettings } from '../../../src/docker/pull';
import { PullAuthError } from '../../../src/docker/pull-failures';
import { PullProgress } from '../../../src/docker/pull-progress';
import { makeTempDir, removeTempDirs } from '../../support/temp';
import { recordingLog } from '../hook/captured-daemon';

afterAll(removeTempDirs);

const stream = readFileSync(path.join(__dirname, '../../fixtures/docker/engine-pull/pull-two-layers.jsonl'));
const REFUSED = 'unauthorized: authentication required';

/** A daemon whose registry `r.io` wants ci-bot:right; every pull and the auth it came with are recorded. */
function daemon(answers: Array<'stream' | 'stream-error' | 'refuse'> = []) {
  const pulls: Array<{ image: string; auth: Record<string, string> | null }> = [];
  const tags: string[] = [];
  const engine: ImageOperations = {
    async pullImage(image, registryAuth, onProgress) {
      const auth =
        registryAuth === null ? null : JSON.parse(Buffer.from(registryAuth, 'base64url').toString());
      pulls.push({ image, auth });
      const answer =
        answers.shift() ?? (auth?.password === 'right' || !image.startsWith('r.io') ? 'stream' : 'refuse');
      if (answer === 'refuse') throw new ImagePullError(image, REFUSED, 500);
      if (answer === 'stream-error')
        return onProgress(
          Buffer.from(
            '{"errorDetail":{"message":"received unexpected HTTP status: 502 Bad Gateway"},"error":"x"}\n',
          ),
        );
      onProgress(stream);
    },
    async tagImage(source, target) {
      tags.push(`${source} -> ${target}`);
    },
    hostImageOf: async () => null,
  };
  return { engine, pulls, tags };
}

function request(
  engine: ImageOperations,
  image: string,
  credentials: PullRequest['credentials'],
  settings: Partial<PullSettings> = {},
) {
  const { log, text } = recordingLog();
  const progress = new PullProgress();
  const pull: PullRequest = {
    engine,
    helperEnv: { PATH: '/usr/bin:/bin' },
    image,
    credentials,
    log,
    progress,
    settings: {
      dockerConfigDir: makeTempDir('dockhand-pull-config-'), // no config.json: no helper, no auths
      attempts: 2,
      baseDelayMs: 1,
      timeoutMs: 10_000,
      helperFallback: true,
      localFallback: false,
      mirrors: new Map(),
      policy: 'always',
      ...settings,
    },
  };
  return { pull, text, progress };
}

describe('a pull through the Engine API', () => {
  it("sends the workflow's credentials to the image's registry, and counts the bytes", async () => {
    const d = daemon();
    const { pull, progress } = request(d.engine, 'r.io/app:1', {
      username: 'ci-bot',
      password: 'right',
      serverUrl: 'r.io',
    });
    expect(await obtainImage(pull)).toEqual({ source: 'origin', pulledFrom: 'r.io', imageId: null });
    expect(d.pulls).toEqual([
      { image: 'r.io/app:1', auth: { username: 'ci-bot', password: 'right', serveraddress: 'r.io' } },
    ]);
    expect(progress.bytes().done).toBe(3001125 + 2000824);
  });

  it('never sends credentials to a registry their serverUrl does not name', async () => {
    for (const serverUrl of ['other.io', '']) {
      const d = daemon();
      const { pull, text } = request(d.engine, 'r.io/app:1', {
        username: 'ci-bot',
        password: 'right',
        serverUrl,
      });
      await expect(obtainImage(pull)).rejects.toThrow(PullAuthError);
      expect(d.pulls.map((p) => p.auth)).toEqual([null]);
      expect(text()).toContain(`the workflow's credentials are for ${serverUrl || 'docker.io'}, not r.io`);
    }
  });

  it('fails a pull whose stream carries an error after the 200, and retries it when transient', async () => {
    const d = daemon(['stream-error', 'stream']);
    const { pull, text } = request(d.engine, 'r.io/app:1', {
      username: 'ci-bot',
      password: 'right',
      serverUrl: 'r.io',
    });
    expect((await obtainImage(pull)).source).toBe('origin');
    expect(d.pulls).toHaveLength(2);
    expect(text()).toContain('failed (attempt 1 of 2)');
    expect(text()).toContain('502 Bad Gateway');
  });

  it("gives a mirror only the host's credentials, and tags its image with the workflow's name", async () => {
    const d = daemon();
    const { pull } = request(
      d.engine,
      'redis:7',
      { username: 'hub-user', password: 'hub-secret', serverUrl: '' },
      { mirrors: new Map([['docker.io', 'mirror.io/hub']]) },
    );
    expect(await obtainImage(pull)).toEqual({ source: 'mirror', pulledFrom: 'mirror.io', imageId: null });
    expect(d.pulls).toEqual([{ image: 'mirror.io/hub/library/redis:7', auth: null }]);
    expect(d.tags).toEqual(['mirror.io/hub/library/redis:7 -> redis:7']);
  });

  it("says the registry refused the workflow's credentials, naming the registry and the daemon's words", async () => {
    const d = daemon();
    const { pull } = request(d.engine, 'r.io/app:1', {
      username: 'ci-bot',
      password: 'wrong',
      serverUrl: 'r.io',
    });
    await expect(obtainImage(pull)).rejects.toThrow(
      `pull of r.io/app:1 from r.io was refused (authentication) using the workflow's credentials for ci-bot (docker said: ${REFUSED})`,
    );
    expect(d.pulls).toHaveLength(1); // an auth refusal is not retried
  });
});
