export { execute, ExecError } from './exec';
export type { ExecFailure, ExecFailureKind, ExecRequest, ExecResult } from './exec';
export { runProcess } from './process';
export type { ProcessOptions, ProcessResult } from './process';
export { KILL_GRACE_MS, stopAllGroups } from './process-groups';
export { spawnStream } from './stream';
export type { ProcessStream } from './stream';
export { findExecutable } from './find-executable';
