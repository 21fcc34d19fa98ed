// Validates what the runner writes on stdin, so that bad input fails with one line naming the field
// before anything is created. Lists and maps the runner may send as null are normalised to empty ones.
// The hook's input types (src/protocol/hook-types.ts) are these schemas' outputs.
import * as v from 'valibot';
import { HOOK_COMMANDS, type HookInput } from './hook-types';
import { messageOf } from './errors';

const text = v.string();
const optionalText = v.nullish(v.string(), null);
const stringList = v.nullish(v.array(v.string()), () => []);
const stringMap = v.nullish(v.record(v.string(), v.string()), () => ({}));

export const mountSchema = v.object({
  userProvidedValue: optionalText,
  sourceVolumePath: optionalText,
  targetVolumePath: text,
  readOnly: v.nullish(v.boolean(), false),
});

export const registrySchema = v.object({
  username: optionalText,
  password: optionalText,
  /** Registry host from the image, no scheme; "" for Docker Hub. */
  serverUrl: optionalText,
});

/** A container as the runner describes it: the job container, a service, or a container step. */
export const containerSchema = v.object({
  image: optionalText,
  dockerfile: optionalText,
  /** Split by the runner on single spaces, quotes left in: must be re-tokenized. */
  entryPointArgs: stringList,
  entryPoint: optionalText,
  workingDirectory: optionalText,
  /** The workflow's `options:`, docker create flags that may contain quotes. */
  createOptions: optionalText,
  registry: v.nullish(registrySchema, null),
  environmentVariables: stringMap,
  /** The workflow's `ports:` as written: "5432:5432", "6379", "8080:80/udp". */
  portMappings: stringList,
  systemMountVolumes: v.nullish(v.array(mountSchema), () => []),
  userMountVolumes: v.nullish(v.array(mountSchema), () => []),
  /** Not sent by runner 2.336 (see shared/docs/runner-protocol.md); a service's YAML key if a future runner sends it. */
  contextName: v.nullish(v.string()),
});

/** prepare_job's containers always name an image. */
export const jobContainerSchema = v.object({ ...containerSchema.entries, image: text });

export const prepareJobArgsSchema = v.object({
  container: v.nullish(jobContainerSchema, null),
  services: v.nullish(v.array(jobContainerSchema), () => []),
});

export const runScriptStepArgsSchema = v.object({
  entryPointArgs: stringList,
  entryPoint: text,
  environmentVariables: stringMap,
  /** Newest first; runners up to 2.293 sent a single string. */
  prependPath: v.nullish(v.union([v.array(v.string()), v.string()]), () => []),
  workingDirectory: text,
});

export const runContainerStepArgsSchema = v.pipe(
  containerSchema,
  v.check((step) => Boolean(step.image || step.dockerfile), 'needs an image or a dockerfile'),
);

export const cleanupJobArgsSchema = v.nullish(v.object({}), () => ({}));

/** One runner call; `command` decides what `args` must be. */
function callSchema<C extends string, A extends v.GenericSchema>(command: C, args: A) {
  return v.object({
    command: v.literal(command),
    responseFile: text,
    args,
    state: v.optional(v.unknown()),
  });
}

export const hookCallSchema = v.variant(
  'command',
  [
    callSchema('prepare_job', prepareJobArgsSchema),
    callSchema('run_script_step', runScriptStepArgsSchema),
    callSchema('run_container_step', runContainerStepArgsSchema),
    callSchema('cleanup_job', cleanupJobArgsSchema),
  ],
  `must be one of ${HOOK_COMMANDS.join(', ')}`,
);

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
  const parsed = v.safeParse(hookCallSchema, json);
  if (!parsed.success) throw inputError(parsed.issues);
  return { ...parsed.output, state: parsed.output.state ?? null };
}

function inputError(issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): HookInputError {
  const issue = issues[0];
  const path = v.getDotPath(issue) || 'input';
  const received = issue.received === 'undefined' ? 'it is missing' : `got ${issue.received}`;
  return new HookInputError(
    `invalid hook input: ${path} ${issue.message} (${received}); fix the runner input`,
  );
}
