// Writes the response file the runner reads after exit 0, as one JSON document.
import { writeFile } from 'node:fs/promises';
import type { PrepareJobResponse, StateResponse } from './hook-types';

export async function writeHookResponse(
  file: string,
  response: PrepareJobResponse | StateResponse,
): Promise<void> {
  await writeFile(file, JSON.stringify(response));
}
