// Writes the response file the runner reads after exit 0, as one JSON document.
import { writeFileSync } from 'node:fs';
import type { PrepareJobResponse, StateResponse } from './hook-types';

export function writeHookResponse(file: string, response: PrepareJobResponse | StateResponse): void {
  writeFileSync(file, JSON.stringify(response));
}
