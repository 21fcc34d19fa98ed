import { describe, expect, it } from 'vitest';
import { idInside } from '../../../src/docker/id-map';

describe('idInside', () => {
  it.each([
    // Rootful engine: the host's ids.
    ['         0          0 4294967295\n', 1001, 1001],
    // Rootless engine run by uid 1001: that user is root inside, its subordinate ids follow.
    ['0 1001 1\n1 100000 65536\n', 1001, 0],
    ['0 1001 1\n1 100000 65536\n', 100_009, 10],
    // userns-remap without --userns host: the runner user is not in the container at all.
    ['0 165536 65536\n', 1001, null],
    // Not a map.
    ['', 1001, null],
    ['0 0\n', 1001, null],
    ['sh: cat: not found\n', 1001, null],
    ['0 0 4294967295\n-1 0 1\n', 1001, null],
  ])('%j maps %i to %j', (map, outside, inside) => {
    expect(idInside(map, outside)).toBe(inside);
  });
});
