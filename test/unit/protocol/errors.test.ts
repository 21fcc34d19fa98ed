import { describe, expect, it } from 'vitest';
import { errnoCodeOf, messageOf } from '../../../src/protocol/errors';
import { isJsonObject } from '../../../src/protocol/json';

describe('what a caught value says', () => {
  it.each([
    [new Error('boom'), 'boom'],
    ['a thrown string', 'a thrown string'],
    [undefined, 'undefined'],
    [{ name: 'SdkError' }, '[object Object]'],
  ])('messageOf(%j) is %j', (value, message) => {
    expect(messageOf(value)).toBe(message);
  });

  it('takes the errno code of a system call error only', () => {
    expect(errnoCodeOf(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(errnoCodeOf(Object.assign(new Error('x'), { code: 42 }))).toBeUndefined();
    expect(errnoCodeOf({ code: 'ENOENT' })).toBeUndefined();
    expect(errnoCodeOf(null)).toBeUndefined();
  });

  it('tells JSON objects from null, arrays and scalars', () => {
    expect([{}, { a: 1 }, null, [], 'x', 1].map(isJsonObject)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});
