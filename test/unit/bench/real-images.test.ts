// The real-image bench's pure parts: the tar entry it puts in front of a stack tarball (read back by the
// real GNU tar), the config it gives `docker import`, and how it reads the registry link's shaping.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rateOf } from '../../../bench/link-shaping';
import { changesFor, tarEntry } from '../../../bench/real-images';
import { makeTempDir, removeTempDirs } from '../../support/temp';

afterAll(removeTempDirs);

describe('tarEntry', () => {
  it('makes an entry that tar reads in front of a whole archive, with both archives files intact', () => {
    const dir = makeTempDir('dockhand-tar-entry-');
    mkdirSync(path.join(dir, 'tree/etc'), { recursive: true });
    writeFileSync(path.join(dir, 'tree/etc/os-release'), 'ID=debian\n');
    const archive = path.join(dir, 'rootfs.tar');
    execFileSync('tar', ['--create', '--file', archive, '--directory', path.join(dir, 'tree'), '.']);
    const content = Buffer.from('registry.example/dockhand/bench-real-app:dockhand\n');
    const combined = path.join(dir, 'combined.tar');
    writeFileSync(
      combined,
      Buffer.concat([tarEntry('./dockhand-bench-image', content), readFileSync(archive)]),
    );

    const listing = execFileSync('tar', ['--list', '--verbose', '--numeric-owner', '--file', combined], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC' },
    });
    expect(listing).toMatch(/^-rw-r--r-- 0\/0 +50 2024-01-01 00:00 \.\/dockhand-bench-image$/m);
    expect(listing).toMatch(/\.\/etc\/os-release$/m);
    const out = path.join(dir, 'out');
    mkdirSync(out);
    execFileSync('tar', ['--extract', '--file', combined, '--directory', out]);
    expect(readFileSync(path.join(out, 'dockhand-bench-image'))).toEqual(content);
    expect(readFileSync(path.join(out, 'etc/os-release'), 'utf8')).toBe('ID=debian\n');
  });

  it('is the same bytes every time, so the layer digest is too', () => {
    const content = Buffer.alloc(700, 'x');
    const entry = tarEntry('./a', content);
    expect(entry.length).toBe(512 + 1024);
    expect(entry).toEqual(tarEntry('./a', content));
  });
});

describe('changesFor', () => {
  it('gives an imported image the config of the one it copies, and the bench label', () => {
    const changes = changesFor({
      Env: ['PATH=/usr/bin:/bin', 'GREETING=hello world'],
      Entrypoint: ['postgres-entrypoint.sh'],
      Cmd: ['postgres'],
      WorkingDir: '/data',
      User: 'redis',
      ExposedPorts: { '5432/tcp': {} },
      Volumes: { '/var/lib/postgresql/data': {} },
      Labels: { 'dockhand.stack.sum': 'abc' },
    });
    expect(changes.filter((_, i) => i % 2 === 0).every((flag) => flag === '--change')).toBe(true);
    expect(changes.filter((_, i) => i % 2 === 1)).toEqual([
      'ENV PATH="/usr/bin:/bin"',
      'ENV GREETING="hello world"',
      'ENTRYPOINT ["postgres-entrypoint.sh"]',
      'CMD ["postgres"]',
      'WORKDIR /data',
      'USER redis',
      'EXPOSE 5432/tcp',
      'VOLUME ["/var/lib/postgresql/data"]',
      'LABEL dockhand.bench-real=1',
    ]);
  });
});

describe('rateOf', () => {
  it('reads the rate of a tbf root qdisc, and none from an unshaped link', () => {
    expect(rateOf('qdisc tbf 8001: root refcnt 2 rate 200Mbit burst 262125b lat 50ms')).toBe('200Mbit');
    expect(rateOf('qdisc noqueue 0: root refcnt 2')).toBeNull();
    expect(rateOf('')).toBeNull();
  });

  it('refuses a qdisc it could not put back', () => {
    expect(() => rateOf('qdisc netem 8002: root refcnt 2 limit 1000 delay 100ms')).toThrow(
      /would not know how to put back .*shape off/,
    );
  });
});
