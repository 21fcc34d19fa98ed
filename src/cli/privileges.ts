// Who dockhand acts as, and on which folder. The runner folder is resolved once (symlinks followed) and
// only the resolved path is used afterwards. Run as root for a folder another user owns, dockhand
// becomes that user (its groups, its home) before it reads or writes anything there or starts any
// program named there: that user can replace every file in the folder, so nothing root does may depend
// on them. As that user, a planted symlink or a forged record can only reach what the runner user could
// reach anyway. Root stays root only on a folder nobody else can change: root's, and writable only by
// root all the way up. Any other user acts only on its own folder.
import { realpathSync, statSync, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from './context';
import { errnoCodeOf, messageOf } from '../protocol/errors';

export interface Actor {
  uid: number;
  /** The user name, for messages. */
  name: string;
  /** The home folder from the user database; undefined when the user has no entry. */
  home: string | undefined;
}

export interface RunnerAccess {
  actor: Actor;
  /** The runner folder with every symlink resolved: the only path to use from here on. */
  root: string;
  /**
   * When dockhand became another user: the environment that user's runner starts from (its PATH, HOME,
   * USER, LOGNAME), so nothing of root's (AWS keys, DOCKER_HOST) reaches a program the folder names.
   * Undefined when dockhand is still who it was started as.
   */
  cleanEnv: Record<string, string> | undefined;
}

/** The PATH a user who became the runner user starts with when the runner's .env sets none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function userEntry(): os.UserInfo<string> | undefined {
  try {
    return os.userInfo();
  } catch {
    return undefined;
  }
}

/** The POSIX calls that change who the process is (absent on Windows, where dockhand does not run). */
function identityCalls() {
  const { seteuid, setgroups, setgid, setuid } = process;
  // initgroups is missing from @types/node 20, though Node has it on POSIX; the cast adds it as optional,
  // and its absence is checked next.
  const { initgroups } = process as { initgroups?: (user: string, extraGroup: number) => void };
  if (!seteuid || !setgroups || !setgid || !setuid || !initgroups) {
    throw new Error('this platform cannot change the user a process runs as');
  }
  return { seteuid, setgroups, setgid, setuid, initgroups };
}

function resolveFolder(folder: string): string {
  try {
    return realpathSync.native(path.resolve(folder));
  } catch (error) {
    const code = errnoCodeOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UsageError(`${folder} does not exist: pass the folder where the runner was unpacked`, {
        cause: error,
      });
    }
    throw new UsageError(`cannot resolve ${folder}: ${messageOf(error)}`, { cause: error });
  }
}

/** Writable by group or others, and not sticky (a sticky folder keeps root's entries root's). */
function othersCanReplaceEntries(stats: Stats): boolean {
  return (stats.mode & 0o022) !== 0 && (stats.mode & 0o1000) === 0;
}

/**
 * Why root may not act on the root-owned `root` as root, or undefined when nobody else can change it:
 * the folder is writable only by root, and every folder above it is root's and either writable only by
 * root or sticky.
 */
function whyRootMayNotStay(root: string, stats: Stats): string | undefined {
  const refuse = (what: string) =>
    `${root} is root's, but ${what}: another user could change what dockhand runs as root; give the runner folder to the runner user (chown -R) or make it writable by root alone`;
  if ((stats.mode & 0o022) !== 0) {
    return refuse(`it is writable by others (mode ${(stats.mode & 0o7777).toString(8)})`);
  }
  for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
    const above = statSync(dir);
    if (above.uid !== 0) return refuse(`${dir} above it belongs to uid ${above.uid}`);
    if (othersCanReplaceEntries(above)) {
      return refuse(`${dir} above it is writable by others (mode ${(above.mode & 0o7777).toString(8)})`);
    }
    if (dir === path.dirname(dir)) return undefined;
  }
}

function becomeUser(uid: number, gid: number): Actor {
  const { seteuid, setgroups, setgid, setuid, initgroups } = identityCalls();
  // The user database answers for the effective uid: look the owner up as the owner.
  seteuid(uid);
  let entry: os.UserInfo<string> | undefined;
  try {
    entry = userEntry();
  } finally {
    seteuid(0);
  }
  const primary = entry?.gid ?? gid;
  if (entry === undefined) setgroups([primary]);
  else initgroups(entry.username, primary);
  setgid(primary);
  setuid(uid);
  return { uid, name: entry?.username ?? `uid ${uid}`, home: entry?.homedir };
}

/**
 * Resolves the runner folder and settles who acts on it: its owner (root becomes that user), or root on
 * a folder only root can change. Refuses, in one line, anything else.
 */
export function becomeOwnerOf(folder: string): RunnerAccess {
  const root = resolveFolder(folder);
  const uid = process.getuid?.() ?? 0;
  const owner = statSync(root);
  if (uid !== 0 || owner.uid === 0) {
    const entry = userEntry();
    const actor = { uid, name: entry?.username ?? `uid ${uid}`, home: entry?.homedir };
    if (uid !== 0 && owner.uid !== uid) {
      throw new UsageError(
        `${root} belongs to uid ${owner.uid}, not to ${actor.name}: run dockhand as the runner folder's owner, or as root (it then becomes that owner)`,
      );
    }
    const problem = uid === 0 ? whyRootMayNotStay(root, owner) : undefined;
    if (problem !== undefined) throw new UsageError(problem);
    return { actor, root, cleanEnv: undefined };
  }
  const actor = becomeUser(owner.uid, owner.gid);
  // Between the resolve and the stat, the folder's owner could have swapped a link in; as that owner
  // now, the swap is seen here and, after this check, gains it nothing.
  if (resolveFolder(root) !== root || statSync(root).uid !== actor.uid) {
    throw new UsageError(`${folder} changed while dockhand was reading it: run the command again`);
  }
  const home = actor.home ?? '/nonexistent';
  return {
    actor,
    root,
    cleanEnv: { PATH: DEFAULT_PATH, HOME: home, USER: actor.name, LOGNAME: actor.name },
  };
}
