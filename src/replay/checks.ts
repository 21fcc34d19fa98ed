// The checks the runner applies to a hook's response file. A failed check is what would fail (or crash)
// the runner's job; the messages say which rule the hook broke.
import type { PrepareJobArgs, PrepareJobResponse } from '../protocol/hook-types';
import { messageOf } from '../protocol/errors';
import { isJsonObject, type JsonObject } from '../protocol/json';

export class RunnerCheckError extends Error {
  override name = 'RunnerCheckError';
}

/** The runner reads the whole file as one JSON document; an empty file means "no response". */
export function parseResponseFile(text: string): JsonObject | null {
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new RunnerCheckError(`response file is not valid JSON: ${messageOf(err)}`, { cause: err });
  }
  if (!isJsonObject(value)) throw new RunnerCheckError('response file must hold a JSON object');
  return value;
}

/** Property names are matched case-insensitively by the runner's deserializer. */
function member(obj: JsonObject, name: string): unknown {
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

/** The state the runner keeps: a non-null `state` replaces what it had. */
export function nextState(response: JsonObject | null, previous: unknown): unknown {
  const state = response ? member(response, 'state') : undefined;
  return state === undefined || state === null ? previous : state;
}

export function checkPrepareJobResponse(
  response: JsonObject | null,
  args: PrepareJobArgs,
): PrepareJobResponse {
  if (response === null) {
    throw new RunnerCheckError('prepare_job wrote no response: the runner crashes on an empty response file');
  }
  const hasJobContainer = args.container !== null;
  const isAlpine = member(response, 'isAlpine');
  if (hasJobContainer && typeof isAlpine !== 'boolean') {
    throw new RunnerCheckError(
      'prepare_job response lacks a boolean isAlpine, required with a job container',
    );
  }
  const context = member(response, 'context');
  if (context !== undefined && context !== null) {
    if (!isJsonObject(context)) throw new RunnerCheckError('prepare_job response: context must be an object');
    const container = member(context, 'container');
    if (container !== undefined && container !== null) {
      if (!hasJobContainer) {
        throw new RunnerCheckError(
          'prepare_job response has context.container but the job has no job container',
        );
      }
      if (!isJsonObject(container) || typeof member(container, 'id') !== 'string') {
        throw new RunnerCheckError('prepare_job response: context.container needs a string id');
      }
    }
    const services = member(context, 'services');
    if (services === null)
      throw new RunnerCheckError('prepare_job response: context.services is null (crashes the runner)');
    if (services !== undefined) {
      if (!Array.isArray(services))
        throw new RunnerCheckError('prepare_job response: context.services must be an array');
      if (services.length > args.services.length) {
        throw new RunnerCheckError(
          `prepare_job response has ${services.length} services for ${args.services.length} in the job (matched by index)`,
        );
      }
      services.forEach((service: unknown, i) => {
        if (!isJsonObject(service))
          throw new RunnerCheckError(`prepare_job response: context.services[${i}] must be an object`);
        const ports = member(service, 'ports');
        if (!isJsonObject(ports)) {
          throw new RunnerCheckError(
            `prepare_job response: context.services[${i}].ports must be an object ({} when none)`,
          );
        }
        for (const [port, hostPort] of Object.entries(ports)) {
          if (typeof hostPort !== 'string') {
            throw new RunnerCheckError(
              `prepare_job response: context.services[${i}].ports["${port}"] must be a string`,
            );
          }
        }
      });
    }
  }
  // Safe: every field the runner reads of a prepare_job response was checked above.
  return response as PrepareJobResponse;
}
