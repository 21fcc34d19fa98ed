import { describe, expect, it } from 'vitest';
import { isEcrHost, parseRegistryArgument } from '../../../src/cli/registries';

describe('--registry', () => {
  it.each([
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', true],
    ['123456789012.dkr-ecr.us-west-2.on.aws', true],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', true],
    ['public.ecr.aws', true],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example', false],
    ['12345678901.dkr.ecr.us-east-1.amazonaws.com', false],
    ['registry.dockhand.test', false],
  ])('%s is ECR: %s', (host, ecr) => {
    expect(isEcrHost(host)).toBe(ecr);
  });

  it('serves ECR hosts with ecr-login and other hosts with the named helper', () => {
    expect(parseRegistryArgument('public.ecr.aws')).toEqual({ host: 'public.ecr.aws', helper: 'ecr-login' });
    expect(parseRegistryArgument('registry.example:5000=pass')).toEqual({
      host: 'registry.example:5000',
      helper: 'pass',
    });
  });

  it.each([
    ['registry.example', 'not an ECR host'],
    ['https://public.ecr.aws', 'no scheme'],
    ['public.ecr.aws/path', 'no scheme'],
    ['a.example=../x', 'plain name'],
    ['a.example=docker-credential-pass', 'without its docker-credential- prefix: --registry a.example=pass'],
  ])('refuses %s', (argument, message) => {
    expect(() => parseRegistryArgument(argument)).toThrow(message);
  });

  it('lower-cases the host, as docker looks credHelpers up', () => {
    expect(parseRegistryArgument('Registry.Example=pass').host).toBe('registry.example');
  });
});
