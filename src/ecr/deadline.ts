// Bounds for work that may never settle on its own (an SDK call, a credential_process, a lock held by a
// hung helper): a signal that aborts after a time or with a parent signal, and a race against it.

/** A signal aborted with `reason()` after `ms`, or with `parent`'s reason if that aborts first. */
export function deadlineSignal(ms: number, reason: () => Error, parent?: AbortSignal): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(reason()), ms);
  const fromParent = (): void => {
    clearTimeout(timer);
    controller.abort(parent?.reason);
  };
  if (parent?.aborted) fromParent();
  else parent?.addEventListener('abort', fromParent, { once: true });
  return controller.signal;
}

/** `work`'s outcome, or a rejection with `signal`'s reason as soon as it aborts, whatever `work` does. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
