import { expect, it } from 'vitest';
import { matrixCombinations, pickCombinations } from '../../../../src/cli/run/matrix';

it('a job without a matrix is one combination', () => {
  expect(matrixCombinations(undefined)).toEqual([{}]);
});

it('expands lists, takes exclude out and adds include as GitHub documents', () => {
  // The example of GitHub's "Expanding or adding matrix configurations".
  const all = matrixCombinations({
    matrix: {
      fruit: ['apple', 'pear'],
      animal: ['cat', 'dog'],
      include: [
        { color: 'green' },
        { color: 'pink', animal: 'cat' },
        { fruit: 'apple', shape: 'circle' },
        { fruit: 'banana' },
        { fruit: 'banana', animal: 'cat' },
      ],
    },
  });
  expect(all).toEqual([
    { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
    { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
    { fruit: 'pear', animal: 'cat', color: 'pink' },
    { fruit: 'pear', animal: 'dog', color: 'green' },
    { fruit: 'banana' },
    { fruit: 'banana', animal: 'cat' },
  ]);
  const excluded = matrixCombinations({
    matrix: { os: ['a', 'b'], v: [1, 2], exclude: [{ os: 'a', v: 2 }] },
  });
  expect(excluded).toEqual([
    { os: 'a', v: 1 },
    { os: 'b', v: 1 },
    { os: 'b', v: 2 },
  ]);
  expect(pickCombinations(excluded, [['v', '2']])).toEqual([{ os: 'b', v: 2 }]);
});
