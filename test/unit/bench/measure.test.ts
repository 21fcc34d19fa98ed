// The benches' turn taking and their table's verdicts: pure code, no daemon.
import { describe, expect, it } from 'vitest';
import { inTurn, ratioCells } from '../../../bench/measure';

/** The order in which inTurn ran baseline (b), dockhand (d) and, when given, the floor (f). */
async function orderOf(turn: number, withFloor: boolean): Promise<string> {
  let order = '';
  const task = (name: string) => async () => void (order += name);
  await inTurn(turn, [task('b'), task('d')], withFloor ? task('f') : undefined);
  return order;
}

describe('inTurn', () => {
  it('alternates the pair as before when there is no floor', async () => {
    expect(await Promise.all([0, 1, 2, 3].map((turn) => orderOf(turn, false)))).toEqual([
      'bd',
      'db',
      'bd',
      'db',
    ]);
  });

  it('keeps the pair alternating and moves the floor through every place over six turns', async () => {
    const orders = await Promise.all([0, 1, 2, 3, 4, 5].map((turn) => orderOf(turn, true)));
    expect(orders.map((order) => order.replace('f', ''))).toEqual(['bd', 'db', 'bd', 'db', 'bd', 'db']);
    expect(new Set(orders).size).toBe(6);
  });
});

describe('ratioCells', () => {
  const verdictOf = (cells: string) => cells.split(' | ').at(-1);

  it('says met or MISSED from the ratio alone when the floor is under the target', () => {
    expect(verdictOf(ratioCells(1000, 500, 300, 0.6))).toBe('<= 0.6 met');
    expect(verdictOf(ratioCells(1000, 700, 300, 0.6))).toBe('<= 0.6 MISSED');
  });

  it('says when the target is below the engine floor, with the floor ratio', () => {
    const cells = ratioCells(647, 671, 466, 0.6);
    expect(verdictOf(cells)).toBe('<= 0.6 MISSED, below the engine floor (0.72)');
    expect(cells.split(' | ').map((cell) => cell.trim())).toEqual([
      '647',
      '671',
      '1.04',
      '466',
      '0.72',
      '<= 0.6 MISSED, below the engine floor (0.72)',
    ]);
  });

  it('shows - for a row without a floor or without a target', () => {
    expect(
      ratioCells(1000, 500, NaN, 0.7)
        .split(' | ')
        .map((cell) => cell.trim()),
    ).toEqual(['1000', '500', '0.50', '-', '-', '<= 0.7 met']);
    expect(verdictOf(ratioCells(1000, 500, 400))).toBe('-');
  });
});
