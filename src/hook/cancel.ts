// A cancelled job. The runner sends the hook SIGINT, SIGTERM 7.5 s later, and 2.5 s after that kills the
// hook process alone: its children (docker, a credential helper), each in a process group of its own,
// would live on, and its throw-away folders would stay on disk. So the first signal ends every child's
// group (SIGTERM, SIGKILL after a short grace), removes this process's throw-away folders, and the hook
// exits non-zero, well within the runner's 7.5 s; a second signal skips the grace.
import { constants } from 'node:os';
import { removePrivateDirsNow } from '../docker/private-dir';
import { KILL_GRACE_MS, stopAllGroups } from '../exec';
import { formatWorkflowCommand, type LogSink } from '../protocol/job-log';

/** Returns the exit code to end the process with: 128 + the signal's number, as a shell reports it. */
export async function cancelHook(signal: NodeJS.Signals, hurry: boolean, out: LogSink): Promise<number> {
  if (!hurry)
    out.write(
      `${formatWorkflowCommand('error', `dockhand: cancelled (${signal}): ending docker processes, removing throw-away files`)}\n`,
    );
  removePrivateDirsNow();
  await stopAllGroups(hurry ? 0 : KILL_GRACE_MS);
  // Again: a create ending meanwhile may have made its env proxy's folder.
  removePrivateDirsNow();
  return 128 + constants.signals[signal];
}
