// Validates what the runner writes on stdin, so that bad input fails with one line naming the field
// before anything is created. Lists and maps the runner may send as null are normalised to empty ones.
import * as v from 'valibot';
import { HOOK_COMMANDS, type HookCommand, type HookInput } from './hook-types';
import { messageOf } from './errors';

const text = v.string();
const optionalText = v.nullish(v.string(), null);
const stringList = v.nullish(v.array(v.string()), () => []);
const stringMap = v.nullish(v.record(v.string(), v.string()), () => ({}));

const mount = v.object({
  userProvidedValue: optionalText,
  sourceVolumePath: optionalText,
  targetVolumePath: text,
  readOnly: v.nullish(v.boolean(), false),
});

const registry = v.nullish(
  v.object({ username: optionalText, password: optionalText, serverUrl: optionalText }),
  null,
);

const container = v.object({
  image: optionalText,
  dockerfile: optionalText,
  entryPointArgs: stringList,
  entryPoint: optionalText,
  workingDirectory: optionalText,
  createOptions: optionalText,
  registry,
  environmentVariables: stringMap,
  portMappings: stringList,
  systemMountVolumes: v.nullish(v.array(mount), () => []),
  userMountVolumes: v.nullish(v.array(mount), () => []),
  contextName: v.nullish(v.string(), null),
});

const argsByCommand = {
  prepare_job: v.object({
    container: v.nullish(v.object({ ...container.entries, image: text }), null),
    services: v.nullish(v.array(v.object({ ...container.entries, image: text })), () => []),
  }),
  run_script_step: v.object({
    entryPointArgs: stringList,
    entryPoint: text,
    environmentVariables: stringMap,
    prependPath: v.nullish(v.union([v.array(v.string()), v.string()]), () => []),
    workingDirectory: text,
  }),
  run_container_step: v.pipe(
    container,
    v.check((step) => Boolean(step.image || step.dockerfile), 'needs an image or a dockerfile'),
  ),
  cleanup_job: v.nullish(v.object({}), () => ({})),
} as const;

export class HookInputError extends Error {
  override name = 'HookInputError';
}

/** Parses and validates one runner call; throws HookInputError with a one-line message. */
export function parseHookInput(raw: string): HookInput {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new HookInputError(
      `hook input is not JSON (${messageOf(error)}): the runner must write one JSON line on stdin`,
      { cause: error },
    );
  }
  const envelope = v.safeParse(
    v.object({
      command: v.picklist(HOOK_COMMANDS, `must be one of ${HOOK_COMMANDS.join(', ')}`),
      responseFile: text,
      args: v.unknown(),
      state: v.optional(v.unknown()),
    }),
    json,
  );
  if (!envelope.success) throw inputError(envelope.issues);
  const command: HookCommand = envelope.output.command;
  const args = v.safeParse(argsByCommand[command], envelope.output.args);
  if (!args.success) throw inputError(args.issues, 'args');
  // Safe: args was checked against the schema of this very command; TypeScript cannot tie the two.
  return {
    ...envelope.output,
    command,
    args: args.output,
    state: envelope.output.state ?? null,
  } as HookInput;
}

function inputError(
  issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]],
  prefix?: string,
): HookInputError {
  const issue = issues[0];
  const path = [prefix, v.getDotPath(issue)].filter(Boolean).join('.') || 'input';
  const received = issue.received === 'undefined' ? 'it is missing' : `got ${issue.received}`;
  return new HookInputError(
    `invalid hook input: ${path} ${issue.message} (${received}); fix the runner input`,
  );
}
