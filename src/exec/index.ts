export { execute, executeOk, ExecError } from './exec';
export type { ExecRequest, ExecResult } from './exec';
