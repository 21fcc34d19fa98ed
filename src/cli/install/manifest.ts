// The install record kept in <runner>/.dockhand/install.json: what each setting was before dockhand
// changed it, so uninstall can put it back. Written by install, read by install and uninstall as
// untrusted input (the runner user can rewrite it): no path is taken from it but the docker config
// folder, bundle names come from a fixed set, versions are only shown, and every value must fit where it
// goes.
import { createHash } from 'node:crypto';
import path from 'node:path';
import * as v from 'valibot';
import { HELPER, HOST } from '../registries';

/** Every bundle install copies into <runner>/.dockhand: the hook, the helper and the helper's AWS half. */
export const BUNDLES = ['hook.js', 'ecr-login.js', 'ecr-login-aws.js'] as const;

/** A release version as package.json has it ("dev" for a build from the sources without one). */
const Version = v.pipe(v.string(), v.regex(/^(\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?|dev)$/, 'not a version'));

/** Where install keeps the docker config it found, beside it: fixed, never read from the record. */
export function backupOf(dockerConfigDir: string): string {
  return path.join(dockerConfigDir, 'config.json.dockhand-backup');
}

/** The .env keys install sets. */
export const ENV_KEYS = ['ACTIONS_RUNNER_CONTAINER_HOOKS', 'HOOK_DOCKER_CONFIG', 'PATH'] as const;

const SingleLine = v.pipe(v.string(), v.regex(/^[^\r\n]*$/));
const DockerConfigDir = v.pipe(SingleLine, v.check(path.isAbsolute, 'not an absolute path'));

export const ManifestSchema = v.object({
  version: v.literal(1),
  /** File names of the bundles copied into <runner>/.dockhand. */
  bundles: v.array(v.picklist(BUNDLES)),
  /** The release installed; records from before versions were recorded are 0.1.0's. */
  dockhandVersion: v.optional(Version, '0.1.0'),
  /** The release whose bundles install kept in .dockhand/previous for `dockhand rollback`; null = none. */
  previousVersion: v.optional(v.nullable(Version), null),
  dockerConfig: v.pipe(
    v.object({
      dir: DockerConfigDir,
      /** config.json existed before the first install. */
      existed: v.boolean(),
      credHelpersExisted: v.boolean(),
      /**
       * Install made config.json.dockhand-backup beside config.json. Records written before 0.2 hold
       * that path instead of true; it was always the fixed one, so only that path is taken (as true).
       */
      backup: v.union([v.boolean(), v.null(), v.string()]),
      /** Each managed credHelpers entry's value before install; null = absent. */
      previous: v.record(v.pipe(v.string(), v.regex(HOST)), v.nullable(v.pipe(v.string(), v.regex(HELPER)))),
      /** sha256 of the config.json install wrote: unchanged since means the backup can go back verbatim. */
      writtenSha256: v.string(),
    }),
    v.check(
      ({ dir, backup }) => typeof backup !== 'string' || backup === backupOf(dir),
      'a backup other than config.json.dockhand-backup beside config.json',
    ),
    v.transform((record) => ({ ...record, backup: record.backup !== null && record.backup !== false })),
  ),
  env: v.object({
    existed: v.boolean(),
    /** Each managed key's line before install; null = absent. */
    previous: v.record(v.picklist(ENV_KEYS), v.nullable(SingleLine)),
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
