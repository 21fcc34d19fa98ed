// Captured real output under test/fixtures/, read as exact bytes.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function readFixture(relative: string): string {
  return readFileSync(path.join(__dirname, '../fixtures', relative), 'utf8');
}
