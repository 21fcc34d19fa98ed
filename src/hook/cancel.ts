// A cancelled job. The runner sends the hook SIGINT, SIGTERM 7.5 s later, and 2.5 s after that kills the
// hook process alone: its children (docker, a credential helper), each in a process group of its own,
// would live on, and its throw-away folders would stay on disk. So the first signal ends every child's
// group (SIGTERM, SIGKILL after a short grace), removes this process's throw-away folders, stops and
// removes a container step's container (the daemon, not a child, runs it), and the hook exits non-zero,
// well within the runner's 7.5 s; a second signal skips the grace.
import { constants } from 'node:os';
import { removePrivateDirsNow } from '../docker/private-dir';
import { KILL_GRACE_MS, stopAllGroups } from '../exec';
import { formatWorkflowCommand, type LogSink } from '../protocol/job-log';

/** Undoes what a cancel must end beyond processes and files; gets the grace, in whole seconds. */
export type CancelAction = (graceSeconds: number) => Promise<void>;

const cancelActions = new Set<CancelAction>();
/** Beyond the grace, how long the actions may take (daemon round trips): inside the runner's 7.5 s. */
const CANCEL_ACTIONS_WAIT_MS = 3000;

/** Runs `action` when the job is cancelled, until the returned function is called. */
export function whenCancelled(action: CancelAction): () => void {
  cancelActions.add(action);
  return () => cancelActions.delete(action);
}

/** Returns the exit code to end the process with: 128 + the signal's number, as a shell reports it. */
export async function cancelHook(signal: NodeJS.Signals, hurry: boolean, out: LogSink): Promise<number> {
  if (!hurry)
    out.write(
      `${formatWorkflowCommand('error', `dockhand: cancelled (${signal}): ending docker processes and the step's container, removing throw-away files`)}\n`,
    );
  removePrivateDirsNow();
  const graceMs = hurry ? 0 : KILL_GRACE_MS;
  await stopAllGroups(graceMs);
  // Again: a create ending meanwhile may have made its env proxy's folder.
  removePrivateDirsNow();
  // After the groups: a `docker create` that was still running has made its container or never will.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled([...cancelActions].map((action) => action(graceMs / 1000))),
    new Promise((resolve) => (timer = setTimeout(resolve, graceMs + CANCEL_ACTIONS_WAIT_MS))),
  ]);
  clearTimeout(timer);
  return 128 + constants.signals[signal];
}
