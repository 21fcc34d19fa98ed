// What a caught value says. Anything can be thrown (a string, an SDK's plain object), so these look
// instead of casting to Error; every layer but src/exec (which imports nothing) may use them.

/** The message of an Error, else the value as text: for one-line errors that name their cause. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The code of a failed system call (ENOENT, EACCES ...); undefined for anything else. */
export function errnoCodeOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
