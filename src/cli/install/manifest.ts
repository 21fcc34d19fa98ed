// The install record kept in <runner>/.dockhand/install.json: what each setting was before dockhand
// changed it, so uninstall can put it back. Written by install, read (and validated) by uninstall.
import { createHash } from 'node:crypto';
import * as v from 'valibot';

const PreviousValues = v.record(v.string(), v.nullable(v.string()));

export const ManifestSchema = v.object({
  version: v.literal(1),
  /** File names of the bundles copied into <runner>/.dockhand. */
  bundles: v.array(v.string()),
  dockerConfig: v.object({
    dir: v.string(),
    /** config.json existed before the first install. */
    existed: v.boolean(),
    credHelpersExisted: v.boolean(),
    /** Path of the backup this install made, null when there was nothing to back up. */
    backup: v.nullable(v.string()),
    /** Each managed credHelpers entry's value before install; null = absent. */
    previous: PreviousValues,
    /** sha256 of the config.json install wrote: unchanged since means the backup can go back verbatim. */
    writtenSha256: v.string(),
  }),
  env: v.object({
    existed: v.boolean(),
    /** Each managed key's line before install; null = absent. */
    previous: PreviousValues,
  }),
});

export type Manifest = v.InferOutput<typeof ManifestSchema>;

export class ManifestError extends Error {
  override name = 'ManifestError';
}

export function parseManifest(text: string, file: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(
      `${file} is not valid JSON: restore it from a backup or remove dockhand by hand`,
      {
        cause: error,
      },
    );
  }
  const result = v.safeParse(ManifestSchema, json);
  if (!result.success) {
    throw new ManifestError(
      `${file} is not a dockhand install record (${v.summarize(result.issues).split('\n')[0]}): remove dockhand by hand`,
    );
  }
  return result.output;
}

export function formatManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
