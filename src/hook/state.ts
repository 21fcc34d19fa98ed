// What prepare_job learns and later calls need, saved by the runner between calls (the response's state).
// The runner keeps it in memory, but it travels through the response file in `_work/_temp`, which any
// job process can replace: a forged state would point steps and cleanup_job at another runner's
// containers. So the state carries an HMAC made with a key of this runner's job (kept outside `_work`),
// and a state that does not verify is never acted on.
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as v from 'valibot';
import type { HookCommand } from '../protocol/hook-types';
import type { JobLog } from '../protocol/job-log';
import { makeStateKey, readStateKey, STATE_KEY_NAME } from './state-key';
import { messageOf } from '../protocol/errors';

/** The images a state remembers: a job with more Docker actions pulls the others at each step. */
export const MAX_JOB_IMAGES = 64;

const stateSchema = v.object({
  version: v.literal(1),
  runnerId: v.string(),
  jobId: v.string(),
  network: v.nullable(v.string()),
  container: v.nullable(v.object({ id: v.string(), path: v.string() })),
  services: v.array(v.object({ id: v.string(), alias: v.string(), image: v.string() })),
  /** The Engine API version prepare_job negotiated: later calls of the job need not ask the daemon again. */
  apiVersion: v.optional(v.pipe(v.string(), v.regex(/^1\.\d+$/))),
  /** The images this job has used, with the id each had: a later step need not pull them again. */
  images: v.optional(
    v.pipe(v.array(v.object({ ref: v.string(), id: v.string() })), v.maxLength(MAX_JOB_IMAGES)),
  ),
  /** The name of the key file (in the private base) whose key signs this state. */
  keyName: v.pipe(v.string(), v.regex(STATE_KEY_NAME)),
  /** HMAC-SHA256 of the fields above (signedText), hex. */
  mac: v.string(),
});

export type HookState = v.InferOutput<typeof stateSchema>;
export type UnsignedState = Omit<HookState, 'mac' | 'keyName'>;

/** What a state is checked against: this runner, and the folder that holds the keys of its states. */
export interface StateTrust {
  runnerId: string;
  privateBase: string;
  command: HookCommand;
  log: JobLog;
}

/** The fields in a fixed order: the runner may hand the state back with its members in another order. */
function signedText(state: Omit<HookState, 'mac'>): string {
  const { container, services } = state;
  return JSON.stringify([
    state.version,
    state.runnerId,
    state.jobId,
    state.network,
    container && [container.id, container.path],
    services.map((service) => [service.id, service.alias, service.image]),
    state.apiVersion ?? null,
    state.keyName,
    // Only when there: a state signed before images were remembered still verifies.
    ...(state.images ? [state.images.map((image) => [image.ref, image.id])] : []),
  ]);
}

const macOf = (state: Omit<HookState, 'mac'>, key: Buffer) =>
  createHmac('sha256', key).update(signedText(state)).digest('hex');

/** Signs a new job's state with a new key, made in the private base. */
export function signState(state: UnsignedState, privateBase: string): HookState {
  const { name, key } = makeStateKey(privateBase, state.runnerId);
  const named = { ...state, keyName: name };
  return { ...named, mac: macOf(named, key) };
}

/**
 * The job's state with `ref` remembered as image `id`, signed with the job's key again; null when the state
 * already says so, or remembers as many images as it may.
 */
export function withJobImage(
  state: HookState,
  ref: string,
  id: string,
  trust: Pick<StateTrust, 'privateBase'>,
): HookState | null {
  const images = state.images ?? [];
  if (images.some((image) => image.ref === ref && image.id === id)) return null;
  const others = images.filter((image) => image.ref !== ref);
  if (others.length >= MAX_JOB_IMAGES) return null;
  const { mac: _, ...unsigned } = state;
  const updated = { ...unsigned, images: [...others, { ref, id }] };
  const key = readStateKey(trust.privateBase, state.runnerId, state.keyName);
  return { ...updated, mac: macOf(updated, key) };
}

/**
 * The saved state, or null when there is none (no prepare_job, or one that failed before saving it). A
 * state this runner's hook did not sign, or cannot read, fails the call; cleanup_job goes on without it,
 * by labels only (a job in flight while dockhand is upgraded is still cleaned up).
 */
export function readState(raw: unknown, trust: StateTrust): HookState | null {
  if (raw === null || raw === undefined) return null;
  try {
    return verified(raw, trust);
  } catch (error) {
    if (trust.command !== 'cleanup_job') throw error;
    trust.log.warning(`${messageOf(error)}; removing only what carries this runner's label`);
    return null;
  }
}

function verified(raw: unknown, trust: StateTrust): HookState {
  const parsed = v.safeParse(stateSchema, raw);
  if (!parsed.success) {
    throw new Error(
      `invalid hook state at ${v.getDotPath(parsed.issues[0]) ?? 'state'}: it was not written by this version of dockhand; re-run the job`,
    );
  }
  const state = parsed.output;
  if (state.runnerId !== trust.runnerId)
    throw new Error(
      `the saved state belongs to runner ${state.runnerId}, not to this one (${trust.runnerId}): a job process replaced a response file`,
    );
  const key = readStateKey(trust.privateBase, trust.runnerId, state.keyName);
  const expected = Buffer.from(macOf(state, key), 'hex');
  const given = Buffer.from(state.mac, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new Error(
      "the saved state does not carry this runner's signature (a job process replaced a response file)",
    );
  return state;
}
