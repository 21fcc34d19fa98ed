import { describe, expect, it } from 'vitest';
import { HookInputError, parseHookInput } from '../../../src/protocol/hook-input';

const container = {
  image: 'r.io/app:1',
  dockerfile: null,
  entryPointArgs: [],
  entryPoint: null,
  workingDirectory: '/__w/a/a',
  createOptions: null,
  registry: null,
  environmentVariables: { A: 'x y' },
  portMappings: ['80'],
  systemMountVolumes: [
    { userProvidedValue: null, sourceVolumePath: '/s', targetVolumePath: '/t', readOnly: true },
  ],
  userMountVolumes: [],
};
const line = (value: object) => JSON.stringify(value);

describe('hook input', () => {
  it('accepts what the runner sends, nulls included', () => {
    const input = parseHookInput(
      line({
        command: 'prepare_job',
        responseFile: '/r.json',
        args: { container, services: [{ ...container, workingDirectory: null, portMappings: null }] },
        state: null,
      }),
    );
    expect(input.command).toBe('prepare_job');
    expect((input.args as { services: Array<{ portMappings: string[] }> }).services[0]?.portMappings).toEqual(
      [],
    );
  });

  it('accepts the old single-string prependPath and a services-only job', () => {
    const step = {
      entryPointArgs: ['-e', '/__w/_temp/x.sh'],
      entryPoint: 'sh',
      environmentVariables: {},
      prependPath: '/opt/bin',
      workingDirectory: '/__w/a/a',
    };
    expect(
      parseHookInput(line({ command: 'run_script_step', responseFile: '/r', args: step, state: {} })).args,
    ).toMatchObject({ prependPath: '/opt/bin' });
    expect(
      parseHookInput(
        line({
          command: 'prepare_job',
          responseFile: '/r',
          args: { container: null, services: [container] },
          state: null,
        }),
      ).args,
    ).toMatchObject({ container: null });
  });

  it.each([
    ['{', /^hook input is not JSON \(.*\): the runner must write one JSON line on stdin$/],
    [
      line({ command: 'nope', responseFile: '/r', args: {} }),
      /^invalid hook input: command must be one of prepare_job, cleanup_job, run_script_step, run_container_step \(got "nope"\)/,
    ],
    [line({ command: 'cleanup_job', args: {} }), /^invalid hook input: responseFile .*\(it is missing\)/],
    [
      line({
        command: 'prepare_job',
        responseFile: '/r',
        args: { container: { ...container, image: 5 }, services: [] },
      }),
      /^invalid hook input: args\.container\.image .*\(got 5\)/,
    ],
    [
      line({
        command: 'prepare_job',
        responseFile: '/r',
        args: { container: null, services: [{ ...container, environmentVariables: { A: 1 } }] },
      }),
      /^invalid hook input: args\.services\.0\.environmentVariables\.A /,
    ],
    [
      line({ command: 'run_container_step', responseFile: '/r', args: { ...container, image: null } }),
      /^invalid hook input: args needs an image or a dockerfile/,
    ],
    [
      line({ command: 'run_script_step', responseFile: '/r', args: { entryPoint: 'sh' } }),
      /^invalid hook input: args\.workingDirectory .*\(it is missing\)/,
    ],
  ])('rejects bad input %# with one line naming the field', (raw, message) => {
    let error: unknown;
    try {
      parseHookInput(raw);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HookInputError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
