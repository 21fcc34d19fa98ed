// What prepare_job learns and later calls need, saved by the runner between calls (the response's state).
import * as v from 'valibot';

const stateSchema = v.object({
  version: v.literal(1),
  runnerId: v.string(),
  jobId: v.string(),
  network: v.nullable(v.string()),
  container: v.nullable(v.object({ id: v.string(), path: v.string() })),
  services: v.array(v.object({ id: v.string(), alias: v.string(), image: v.string() })),
  /** The Engine API version prepare_job negotiated: later calls of the job need not ask the daemon again. */
  apiVersion: v.optional(v.pipe(v.string(), v.regex(/^1\.\d+$/))),
});

export type HookState = v.InferOutput<typeof stateSchema>;

/** The saved state, or null when there is none (no prepare_job, or one that failed before saving it). */
export function readState(raw: unknown): HookState | null {
  if (raw === null || raw === undefined) return null;
  const parsed = v.safeParse(stateSchema, raw);
  if (!parsed.success) {
    throw new Error(
      `invalid hook state at ${v.getDotPath(parsed.issues[0]) ?? 'state'}: it was not written by this version of dockhand; re-run the job`,
    );
  }
  return parsed.output;
}

export function labelsFor(runnerId: string, jobId: string | null): Record<string, string> {
  return jobId ? { 'dockhand.runner': runnerId, 'dockhand.job': jobId } : { 'dockhand.runner': runnerId };
}
