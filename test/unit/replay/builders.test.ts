import { describe, expect, it } from 'vitest';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createJobLayout,
  jobContainer,
  registryHost,
  jobLayout,
  scriptStep,
  userMount,
} from '../../../src/replay';

describe('runner builders', () => {
  const layout = jobLayout('/home/runner', 'octo-org/demo');

  it('gives the job container the runner system mounts in order, HOME and the workspace', () => {
    const c = jobContainer(
      { image: 'x/y:1', env: { A: 'b c' }, credentials: { username: 'u', password: 'p' } },
      layout,
    );
    expect(c.workingDirectory).toBe('/__w/demo/demo');
    expect(c.environmentVariables).toEqual({ A: 'b c', HOME: '/github/home' });
    expect(c.systemMountVolumes.map((m) => m.targetVolumePath)).toEqual([
      '/var/run/docker.sock',
      '/__w',
      '/__e',
      '/__w/_temp',
      '/__w/_actions',
      '/__w/_tool',
      '/github/home',
      '/github/workflow',
    ]);
    expect(c.systemMountVolumes[2]!.readOnly).toBe(true);
    expect(c.registry).toEqual({ username: 'u', password: 'p', serverUrl: '' });
  });

  it.each([
    [
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:1',
      '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    ],
    ['localhost:5000/app', 'localhost:5000'],
    ['library/postgres:16', ''],
    ['postgres', ''],
  ])('registry host of %s is %j', (image, host) => expect(registryHost(image)).toBe(host));

  it.each([
    ['/data', { sourceVolumePath: null, targetVolumePath: '/data', readOnly: false }],
    ['/host:/data:ro', { sourceVolumePath: '/host', targetVolumePath: '/data', readOnly: true }],
    ['cache:/cache', { sourceVolumePath: 'cache', targetVolumePath: '/cache', readOnly: false }],
  ])('parses the volume %s', (value, expected) => expect(userMount(value)).toMatchObject(expected));

  it('writes a script step under _work/_temp and points the shell at its container path', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'dockhand-builders-'));
    try {
      const l = createJobLayout(root);
      const step = scriptStep({ script: 'echo hi', shell: 'bash', env: { X: '1' } }, l);
      expect(step.entryPoint).toBe('bash');
      const script = step.entryPointArgs.at(-1)!;
      expect(step.entryPointArgs.slice(0, -1)).toEqual(['--noprofile', '--norc', '-e', '-o', 'pipefail']);
      expect(script).toMatch(/^\/__w\/_temp\/[0-9a-f-]+\.sh$/);
      expect(readFileSync(path.join(l.temp, path.basename(script)), 'utf8')).toBe('echo hi\n');
      expect(step.environmentVariables.X).toBe('1');
      expect(step.environmentVariables.PATH).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
