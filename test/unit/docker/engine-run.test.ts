// What a container step reads from the daemon's answers: what `docker run` would attach (from a created
// container's config, as `docker create` sets it for its flags) and the exit code in a wait's answer.
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../../src/docker/engine-api';
import { inspectedContainerOf } from '../../../src/docker/engine-objects';

/** The Config of `docker create` (CLI 28, daemon 20.10) with no flag, -i, -t, -i -t and `-a stdout`. */
const created = {
  none: { OpenStdin: false, StdinOnce: false, AttachStdin: false, AttachStdout: true, AttachStderr: true },
  i: { OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true },
  t: { Tty: true, OpenStdin: false, AttachStdin: false, AttachStdout: true, AttachStderr: true },
  it: { Tty: true, OpenStdin: true, AttachStdin: true, AttachStdout: true, AttachStderr: true },
  'a stdout': { OpenStdin: false, AttachStdin: false, AttachStdout: true, AttachStderr: false },
  // podman 4.3 records no attached stream for any of these.
  'podman none': { OpenStdin: false, AttachStdin: false, AttachStdout: false, AttachStderr: false },
  'podman i': { OpenStdin: true, AttachStdin: false, AttachStdout: false, AttachStderr: false },
};

describe('a container step from the daemon answers', () => {
  it.each([
    ['none', { stdin: false, stdout: true, stderr: true, tty: false }],
    ['i', { stdin: true, stdout: true, stderr: true, tty: false }],
    ['t', { stdin: false, stdout: true, stderr: true, tty: true }],
    ['it', { stdin: true, stdout: true, stderr: true, tty: true }],
    ['a stdout', { stdin: false, stdout: true, stderr: false, tty: false }],
    ['podman none', { stdin: false, stdout: true, stderr: true, tty: false }],
    ['podman i', { stdin: true, stdout: true, stderr: true, tty: false }],
  ] as const)('attaches what docker run would for create flags %s', (flags, attach) => {
    expect(inspectedContainerOf({ Id: 'c1', Config: created[flags] }).attach).toEqual(attach);
  });

  it('reads the exit code of a wait, and refuses an answer without one', () => {
    expect(exitCodeOf('c1', Buffer.from('{"Error":null,"StatusCode":0}\n'))).toBe(0);
    expect(exitCodeOf('c1', Buffer.from('{"StatusCode":137}'))).toBe(137);
    expect(() =>
      exitCodeOf('c1', Buffer.from('{"Error":{"Message":"container gone"},"StatusCode":-1}')),
    ).toThrow('waiting for container c1 failed: container gone');
    expect(() => exitCodeOf('c1', Buffer.from(''))).toThrow(
      'container c1 ended without an exit code from the docker daemon',
    );
    expect(() => exitCodeOf('c1', Buffer.from('{"StatusCode":"0"}'))).toThrow('without an exit code');
  });
});
