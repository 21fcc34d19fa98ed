import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  containerFactsOf,
  envValue,
  isAlpineOsRelease,
  type InspectEntry,
} from '../../../src/docker/inspect';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../../fixtures/docker', name), 'utf8');

describe('docker inspect parsing', () => {
  it('reads health, ports (container -> host, one per port) and env from real output', () => {
    // Real `docker container inspect` output: an array of what the Engine API answers per container.
    const entries = JSON.parse(fixture('inspect-web-and-plain.json')) as InspectEntry[];
    const [web, plain] = entries.map(containerFactsOf);
    expect(web?.health).toBe('healthy');
    expect(web?.ports).toEqual({ '80': '32773', '9000': '9000' });
    expect(envValue(web?.env ?? [], 'PATH')).toBe('/usr/local/bin:/usr/bin:/bin');
    expect(web?.healthCommand).toEqual([
      '/bin/sh',
      '-c',
      'timeout 2 wget -q -O /dev/null http://127.0.0.1/ || exit 1',
    ]);
    expect(plain?.health).toBe('none');
    expect(plain?.healthCommand).toBeNull();
    expect(plain?.ports).toEqual({});
    expect(plain?.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('treats a stopped container as exited, whatever its health says', () => {
    const entry = { Id: 'x', State: { Status: 'exited', Health: { Status: 'healthy' } } };
    expect(containerFactsOf(entry).health).toBe('exited');
  });

  it("treats podman's `stopped` as exited: a container whose process ended, before podman's cleanup", () => {
    // Real inspect by podman 4.3 of a job container whose command ended at once, a moment after its start.
    const entry = JSON.parse(fixture('engine/inspect-stopped-podman.json')) as InspectEntry;
    expect(entry.State?.Status).toBe('stopped');
    expect(containerFactsOf(entry).health).toBe('exited');
  });

  it.each([
    [{ Test: ['CMD', 'pg_isready', '-U', 'postgres'] }, undefined, ['pg_isready', '-U', 'postgres']],
    [
      { Test: ['CMD-SHELL', 'curl -f localhost || exit 1'] },
      undefined,
      ['/bin/sh', '-c', 'curl -f localhost || exit 1'],
    ],
    [
      { Test: ['CMD-SHELL', 'curl -f localhost'] },
      ['/bin/bash', '-o', 'pipefail', '-c'],
      ['/bin/bash', '-o', 'pipefail', '-c', 'curl -f localhost'],
    ],
    [{ Test: ['NONE'] }, undefined, null],
    [{ Test: ['CMD'] }, undefined, null],
    [null, undefined, null],
  ])('builds the health check command %#, as Docker runs it', (healthcheck, shell, expected) => {
    const entry: InspectEntry = { Id: 'x', Config: { Healthcheck: healthcheck, Shell: shell } };
    expect(containerFactsOf(entry).healthCommand).toEqual(expected);
  });

  it.each([
    ['NAME="Alpine Linux""\nID=alpine\nVERSION_ID=3.19.1\n', true],
    ['ID="alpine"\n', true],
    ['ID=debian\nID_LIKE=alpine-ish\n', false],
    ['', false],
  ])('detects Alpine from os-release %#', (text, expected) => {
    expect(isAlpineOsRelease(text)).toBe(expected);
  });
});
