// Who dockhand acts as. Run as root for a runner folder another user owns, it becomes that user (its
// groups, its home) before it reads or writes anything there or starts any program named there: that
// user can replace every file in the folder, so nothing root does may depend on them. As that user, a
// planted symlink or a forged record can only reach what the runner user could reach anyway.
import { statSync } from 'node:fs';
import os from 'node:os';

export interface Actor {
  uid: number;
  /** The user name, for messages. */
  name: string;
  /** The home folder from the user database; undefined when the user has no entry. */
  home: string | undefined;
}

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

/** Becomes the owner of `folder` when run as root and someone else owns it; returns who dockhand is now. */
export function becomeOwnerOf(folder: string): Actor {
  const uid = process.getuid?.() ?? 0;
  const owner = statSync(folder);
  if (uid !== 0 || owner.uid === 0) {
    const entry = userEntry();
    return { uid, name: entry?.username ?? `uid ${uid}`, home: entry?.homedir };
  }
  const { seteuid, setgroups, setgid, setuid, initgroups } = identityCalls();
  // The user database answers for the effective uid: look the owner up as the owner.
  seteuid(owner.uid);
  let entry: os.UserInfo<string> | undefined;
  try {
    entry = userEntry();
  } finally {
    seteuid(0);
  }
  const gid = entry?.gid ?? owner.gid;
  if (entry === undefined) setgroups([gid]);
  else initgroups(entry.username, gid);
  setgid(gid);
  setuid(owner.uid);
  return { uid: owner.uid, name: entry?.username ?? `uid ${owner.uid}`, home: entry?.homedir };
}
