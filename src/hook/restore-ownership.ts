// cleanup_job's last part: container jobs usually run as root, so what they write under `_work` is root's,
// and the runner user's next checkout there fails with "permission denied" (actions/runner#434). The hook
// runs as the runner user and cannot chown, so a short-lived container does it: an image one of this job's
// containers ran (on the host already: nothing is pulled), only `_work` mounted, no network, no capability
// but those it needs. docs/hook-safety.md says why there and not in the job container.
import { idInside } from '../docker/id-map';
import { execCaptured, type ContainerCreateBody, type ContainerEngine } from '../docker/engine-objects';
import { labelFilter, ownershipContainerName, ownLabels, RUNNER_LABEL } from '../docker/own-names';
import { messageOf } from '../protocol/errors';
import type { HookConfig } from './config';
import type { HookContext } from './context';
import type { HookState } from './state';

/** Where `_work` is mounted in that container. */
const WORK_TARGET = '/runner_work';

/**
 * `sh -c GIVE_BACK_SCRIPT sh <folder> <uid> <gid>`: every entry under the folder and on its file system
 * that is not uid:gid's goes to uid:gid, links as links (find never follows one; chown -h changes the link,
 * not its target). Each batch prints how many it gave. A folder given back is made writable by its owner:
 * a read-only folder of files could not be emptied by the next checkout otherwise.
 */
export const GIVE_BACK_SCRIPT =
  'find "$1" -xdev ! \\( -user "$2" -group "$3" \\) ' +
  '-exec sh -c \'chown -h "$0" "$@" && echo $#\' "$2:$3" {} + ' +
  '-type d -exec chmod u+rwx {} +';

/** The container's uid map, a blank line, its gid map. */
const ID_MAPS_SCRIPT = 'cat /proc/self/uid_map; echo; cat /proc/self/gid_map';
const ID_MAPS_BOUNDS = { maxBytes: 16 * 1024, timeoutMs: 10_000 };
/**
 * A batch prints one number (tens of thousands of entries each); a failing chown prints a line per entry,
 * so the output is bounded too. What is not given back in time is given back at the next job's cleanup.
 */
const GIVE_BACK_BOUNDS = { maxBytes: 64 * 1024, timeoutMs: 120_000, name: 'the find that gives files back' };
/** Images tried at most: one that lacks `tail`, `sh` or `find` costs a create and a removal. */
const MAX_IMAGES = 3;

/** Whether cleanup_job gives `_work` back: a hook that runs as root has nothing to give back. */
export function restoresOwnership(config: HookConfig): config is HookConfig & { workDir: string } {
  return config.features['restore-ownership'] && config.runnerUser.uid !== 0 && config.workDir !== null;
}

/** The container that gives `workDir` back: alive only for the hook's execs in it. */
export function ownershipContainer(
  image: string,
  workDir: string,
  labels: Record<string, string>,
): ContainerCreateBody {
  return {
    Image: image,
    // Every job container's image has `tail`: prepare_job runs the job container with it.
    Entrypoint: ['tail'],
    Cmd: ['-f', '/dev/null'],
    User: '0:0',
    WorkingDir: '/',
    Labels: labels,
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: 'none',
      Mounts: [{ Type: 'bind', Source: workDir, Target: WORK_TARGET, ReadOnly: false }],
      // chown, reading folders whatever their mode, chmod of what is not root's: nothing more.
      CapDrop: ['ALL'],
      CapAdd: ['CHOWN', 'DAC_READ_SEARCH', 'FOWNER'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      // The host's ids, also on a daemon that remaps users (userns-remap).
      UsernsMode: 'host',
    },
  };
}

export interface GiveBackOutcome {
  given: number;
  /** What went wrong, in a line, or null. */
  problem: string | null;
}

/** The batches' counts summed; any other line is what find or chown said (names from the job: made printable). */
export function giveBackOutcome(exitCode: number, output: string): GiveBackOutcome {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const counts = lines.filter((line) => /^\d{1,9}$/.test(line));
  const said = lines.find((line) => !/^\d{1,9}$/.test(line));
  const given = counts.reduce((sum, line) => sum + Number(line), 0);
  if (exitCode === 0) return { given, problem: null };
  const why = said ? `: ${said.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}` : '';
  return { given, problem: `find ended with exit code ${exitCode}${why}` };
}

/**
 * The images of this runner's containers (what dockerd lists under its label, by full id), the job
 * container's first, then the services': read before cleanup_job removes them. Never fails: no image
 * means nothing is given back.
 */
export async function jobImages(
  engine: Pick<ContainerEngine, 'idsByLabel' | 'inspect'>,
  runnerId: string,
  state: HookState | null,
): Promise<string[]> {
  const preferred = [state?.container?.id, ...(state?.services.map((service) => service.id) ?? [])];
  const rank = (id: string) => {
    const at = preferred.indexOf(id);
    return at < 0 ? preferred.length : at;
  };
  try {
    const ids = await engine.idsByLabel('container', labelFilter(RUNNER_LABEL, runnerId));
    const sorted = [...ids].sort((a, b) => rank(a) - rank(b));
    const images = await Promise.all(
      sorted.map((id) =>
        engine.inspect(id).then(
          (container) => container.image,
          () => '',
        ),
      ),
    );
    return [...new Set(images.filter(Boolean))].slice(0, MAX_IMAGES);
  } catch {
    return [];
  }
}

type Attempt = GiveBackOutcome | { unusable: string };

/**
 * Gives every entry under `work` (the runner's `_work`) back to the runner user, in a container of the
 * first of `images` that can. Never fails: a problem is a warning, since the job's own cleanup is done.
 */
export async function restoreOwnership(
  context: HookContext,
  work: string,
  images: string[],
  jobId: string | null,
): Promise<void> {
  const { log } = context;
  const { uid } = context.config.runnerUser;
  const warn = (why: string) =>
    log.warning(
      `could not give every file under ${work} back to the runner user (uid ${uid}): ${why}; the next checkout there may fail with "permission denied"`,
    );
  if (images.length === 0) {
    log.debug(`no container of this job is left whose image could give ${work} back`);
    return;
  }
  const unusable: string[] = [];
  try {
    for (const image of images) {
      const attempt = await giveBackWith(context, work, image, jobId);
      if ('unusable' in attempt) {
        unusable.push(attempt.unusable);
        continue;
      }
      if (attempt.given > 0)
        log.info(
          `Gave ${attempt.given} files, folders and links under ${work} back to the runner user (uid ${uid})`,
        );
      if (attempt.problem) warn(attempt.problem);
      return;
    }
    warn(unusable.join('; '));
  } catch (error) {
    warn(messageOf(error));
  }
}

async function giveBackWith(
  context: HookContext,
  work: string,
  image: string,
  jobId: string | null,
): Promise<Attempt> {
  const { engine, runnerId, log } = context;
  const { uid, gid } = context.config.runnerUser;
  const short = `image ${image.replace(/^sha256:/, '').slice(0, 12)}`;
  const body = ownershipContainer(image, work, ownLabels(runnerId, jobId));
  let id: string;
  try {
    id = await engine.create(ownershipContainerName(runnerId), body);
  } catch (error) {
    return { unusable: `${short}: ${messageOf(error)}` };
  }
  try {
    try {
      await engine.start(id);
    } catch (error) {
      return { unusable: `${short}: ${messageOf(error)}` };
    }
    const maps = await execCaptured(engine, id, ['sh', '-c', ID_MAPS_SCRIPT], ID_MAPS_BOUNDS);
    if (maps.exitCode !== 0) return { unusable: `${short} has no sh or cat (exit ${maps.exitCode})` };
    const [uidMap = '', gidMap = ''] = maps.output.split(/\n[ \t]*\n/);
    const inside = { uid: idInside(uidMap, uid), gid: idInside(gidMap, gid) };
    if (inside.uid === null || inside.gid === null)
      return { given: 0, problem: `the engine's containers have no id for uid ${uid} or gid ${gid}` };
    const command = ['sh', '-c', GIVE_BACK_SCRIPT, 'sh', WORK_TARGET, String(inside.uid), String(inside.gid)];
    const result = await execCaptured(engine, id, command, GIVE_BACK_BOUNDS);
    // 126/127: the shell found no find to run (a missing chown fails find's batch: exit 1).
    if (result.exitCode === 126 || result.exitCode === 127)
      return { unusable: `${short} has no find (exit ${result.exitCode})` };
    return giveBackOutcome(result.exitCode, result.output);
  } finally {
    await engine
      .remove('container', id)
      .catch((error: unknown) =>
        log.warning(`container ${id} is left (the next job removes it): ${messageOf(error)}`),
      );
  }
}
