// Which engine answers, from `GET /version` and `GET /info` as dockerd 20.10, podman 4.3 and rootless
// dockerd 20.10 (dockerd-rootless.sh) answered here (info cut to the fields used). Rootless podman's is
// podman's with the `name=rootless` that rootless engines add to SecurityOptions.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineNameOf, type InfoAnswer, type VersionAnswer } from '../../../src/docker/engine-name';

const fixture = <T>(name: string) =>
  JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/docker/engine', name), 'utf8')) as T;
const rootless = (info: InfoAnswer): InfoAnswer => ({
  SecurityOptions: [...(info.SecurityOptions ?? []), 'name=rootless'],
});

describe('the engine, named', () => {
  const dockerVersion = fixture<VersionAnswer>('version-docker.json');
  const dockerInfo = fixture<InfoAnswer>('info-docker.json');
  const podmanVersion = fixture<VersionAnswer>('version-podman.json');
  const podmanInfo = fixture<InfoAnswer>('info-podman.json');
  const rootlessVersion = fixture<VersionAnswer>('version-docker-rootless.json');
  const rootlessInfo = fixture<InfoAnswer>('info-docker-rootless.json');

  it.each<[string, VersionAnswer, InfoAnswer | null, string]>([
    ['dockerd', dockerVersion, dockerInfo, 'Docker 20.10.24+dfsg1'],
    ['podman', podmanVersion, podmanInfo, 'podman 4.3.1'],
    ['rootless dockerd', rootlessVersion, rootlessInfo, 'rootless Docker 20.10.24+dfsg1'],
    ['rootless podman', podmanVersion, rootless(podmanInfo), 'rootless podman 4.3.1'],
    ['dockerd whose /info could not be read', dockerVersion, null, 'Docker 20.10.24+dfsg1'],
    ['an answer with no components', { Version: '19.03.1' }, {}, 'Docker 19.03.1'],
    ['an answer with nothing', {}, {}, 'Docker (version unknown)'],
  ])('%s', (_what, version, info, expected) => {
    expect(engineNameOf(version, info)).toBe(expected);
  });
});
