import { describe, expect, it } from 'vitest';
import {
  checkContainerSyntax,
  isEnvName,
  isImageReference,
  isPortMapping,
} from '../../../src/docker/input-syntax';

const valid = {
  image: 'r.io/app:1',
  portMappings: [] as string[],
  environmentVariables: {},
  systemMountVolumes: [],
  userMountVolumes: [],
};

describe('input syntax', () => {
  it.each([
    ['postgres', true],
    ['postgres:16.2-alpine', true],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:1', true],
    ['localhost:5000/a/b', true],
    [`r.io/app@sha256:${'a'.repeat(64)}`, true],
    ['-v', false],
    ['--privileged', false],
    ['busy box', false],
    ['img;touch /tmp/pwned', false],
    ['$(touch /tmp/pwned)', false],
    ['a|b', false],
    ['img\nother', false],
    ['Upper/case', false],
  ])('image %j: %s', (image, ok) => {
    expect(isImageReference(image)).toBe(ok);
  });

  it.each([
    ['5432:5432', true],
    ['6379', true],
    ['8080:80/udp', true],
    ['127.0.0.1:8080:80', true],
    ['127.0.0.1::80', true],
    ['8000-8010:8000-8010', true],
    ['70000:80', false],
    ['80:70000', false],
    ['-1', false],
    ['abc', false],
    ['80:80/sctp:x', false],
    ['0:0:0:0', false],
  ])('port mapping %j: %s', (mapping, ok) => {
    expect(isPortMapping(mapping)).toBe(ok);
  });

  it.each([
    ['GITHUB_TOKEN', true],
    ['my.var-name', true],
    ['A=B', false],
    ['', false],
    ['X\nY', false],
    ['BAD NAME', false],
  ])('variable name %j: %s', (name, ok) => {
    expect(isEnvName(name)).toBe(ok);
  });

  it('names the field of the first problem', () => {
    const container = { ...valid, portMappings: ['80', 'abc'] };
    expect(() => checkContainerSyntax(container, 'args.services.1')).toThrow(
      'invalid hook input: args.services.1.portMappings.1 "abc": use [ip:][hostPort:]containerPort[/tcp|udp|sctp] with ports 1-65535',
    );
  });

  it('refuses a variable value with NUL without showing the value', () => {
    const container = { ...valid, environmentVariables: { OK: 'a\nb', TOKEN: 's3cret\0' } };
    expect(() => checkContainerSyntax(container, 'args.services.0')).toThrow(
      'invalid hook input: args.services.0.environmentVariables.TOKEN holds a NUL character, which no environment can hold; remove it',
    );
  });

  it.each([
    ['sourceVolumePath', { sourceVolumePath: '/srv/a:b', targetVolumePath: '/data' }],
    ['targetVolumePath', { sourceVolumePath: '/srv', targetVolumePath: '/data:rw' }],
    ['targetVolumePath', { sourceVolumePath: null, targetVolumePath: 'relative' }],
  ])('refuses a mount whose %s docker --volume cannot carry', (field, paths) => {
    const mount = { userProvidedValue: null, readOnly: false, ...paths };
    expect(() => checkContainerSyntax({ ...valid, userMountVolumes: [mount] }, 'args.container')).toThrow(
      `args.container.userMountVolumes.0.${field}`,
    );
  });

  it('accepts the runner system mounts and named volumes', () => {
    const mounts = [
      {
        userProvidedValue: null,
        sourceVolumePath: '/var/run/docker.sock',
        targetVolumePath: '/var/run/docker.sock',
        readOnly: false,
      },
      {
        userProvidedValue: 'cache:/cache',
        sourceVolumePath: 'cache',
        targetVolumePath: '/cache',
        readOnly: true,
      },
    ];
    expect(() =>
      checkContainerSyntax({ ...valid, systemMountVolumes: mounts }, 'args.container'),
    ).not.toThrow();
  });
});
