import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { sha256Digest } from '../../../../src/ecr/cache/sha256-digest';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

test.each([
  ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
])('sha256Digest(%j) is the FIPS 180-4 example', (text, digest) => {
  expect(hex(sha256Digest(Buffer.from(text)))).toBe(digest);
});

test('equals node:crypto for any input, across block boundaries', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
      expect(hex(sha256Digest(data))).toBe(createHash('sha256').update(data).digest('hex'));
    }),
    { numRuns: 500 },
  );
});
