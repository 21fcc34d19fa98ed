// Whether the helper may keep tokens and its log in the cache directory. Another user's directory, or
// one others may write to, would let them read tokens, plant a cache entry or a symlink where the log
// goes: such a directory is tightened when it is ours (to 0700, as the Go helper makes it) and not used
// at all otherwise. The cache is an optimisation: without it, tokens still come, from the API.
import { chmodSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { messageOf } from '../../protocol/errors';

const GROUP_OR_WORLD_WRITE = 0o022;
const STICKY = 0o1000;

/** Undefined when `dir` is fit (made or tightened if need be), else why it is not used. */
export function cacheDirProblem(dir: string, uid: number): string | undefined {
  let st: Stats;
  try {
    st =
      statSync(dir, { throwIfNoEntry: false }) ??
      (mkdirSync(dir, { recursive: true, mode: 0o700 }), statSync(dir));
  } catch (err) {
    return `cannot make or read ${dir}: ${messageOf(err)}`;
  }
  if (!st.isDirectory()) return `${dir} is not a directory`;
  if (st.uid !== uid) return `${dir} belongs to uid ${st.uid}, not to this user (uid ${uid})`;
  if ((st.mode & GROUP_OR_WORLD_WRITE) === 0) return undefined;
  // A shared directory such as /tmp is not a cache directory to lock down.
  if (st.mode & STICKY) return `${dir} is a shared directory (sticky, writable by others)`;
  try {
    chmodSync(dir, 0o700);
    return undefined;
  } catch (err) {
    return `${dir} is writable by others and cannot be made private: ${messageOf(err)}`;
  }
}
