// Docker killed mid-`get` (its own timeout, a cancelled job) leaves the helper behind, perhaps inside an
// API call and holding the cache lock. Its stdin was read and closed at the start, so the sign is the
// parent pid: an orphan is re-parented (to init or a subreaper). Then the helper stops.
import { EcrApiError } from './failure';

export const PARENT_GONE = 'stopped: the process that started ecr-login (docker) is gone';

const CHECK_EVERY_MS = 200;

export interface ParentWatch {
  /** Aborted, with an EcrApiError saying so, once the parent is gone. */
  signal: AbortSignal;
  stop(): void;
}

export function watchParent(parentPid: () => number): ParentWatch {
  const controller = new AbortController();
  const first = parentPid();
  const timer = setInterval(() => {
    if (parentPid() === first) return;
    clearInterval(timer);
    controller.abort(new EcrApiError(PARENT_GONE));
  }, CHECK_EVERY_MS);
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}
