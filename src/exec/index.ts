export { execute, ExecError } from './exec';
export type { ExecRequest, ExecResult } from './exec';
export { runProcess } from './process';
export type { ProcessOptions, ProcessResult } from './process';
export { spawnStream } from './stream';
export type { ProcessStream } from './stream';
