// A service's log is kept to its last N bytes while it streams in, in whole lines, saying what was cut.
import { describe, expect, it } from 'vitest';
import { logTail } from '../../../src/hook/service-logs';

function tailOf(maxBytes: number, chunks: string[]): string {
  const tail = logTail(maxBytes);
  for (const chunk of chunks) tail.push(Buffer.from(chunk));
  return tail.text();
}

describe('service log tail', () => {
  it('keeps a log under the limit as it is', () => {
    expect(tailOf(100, ['a\n', 'b\nc'])).toBe('a\nb\nc');
    expect(tailOf(4, ['a\nb\n'])).toBe('a\nb\n');
  });

  it('keeps the last whole lines within the limit and says how much came before', () => {
    const text = tailOf(
      1024 * 1024,
      Array.from({ length: 400 }, (_, i) => `${`line ${i} `.padEnd(9999, 'x')}\n`),
    );
    const [note, ...lines] = text.split('\n');
    expect(note).toBe(
      '(the first 2.8 MB of this log are left out: only its last 1.0 MB are shown; HOOK_SERVICE_LOG_MAX_MB sets how much)',
    );
    expect(lines[0]).toMatch(/^line 296 x+$/);
    expect(lines.at(-2)).toMatch(/^line 399 x+$/);
    expect(Buffer.byteLength(lines.join('\n'))).toBeLessThanOrEqual(1024 * 1024);
  });

  it('cuts inside one big chunk at the next line start, and never splits a character', () => {
    expect(tailOf(6, ['ééé\nab\ncd\n'])).toMatch(/\nab\ncd\n$/);
    expect(tailOf(3, ['ab\n', 'cd\n'])).toMatch(/\ncd\n$/);
    expect(tailOf(3, ['abc', 'de\n', 'f\n'])).toMatch(/left out[^\n]*\nf\n$/);
  });
});
