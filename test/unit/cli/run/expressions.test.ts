import { describe, expect, it } from 'vitest';
import {
  evaluateCondition,
  evaluateExpression,
  ExpressionFailure,
} from '../../../../src/cli/run/expressions';

describe('expressions (GitHub’s @actions/expressions)', () => {
  it('reads every escaped quote of a string literal, as a run: with an expression needs', () => {
    const value = evaluateExpression("format('printf ''%s'' ''{0}''', 'x')", {}, 'success');
    expect(value.coerceString()).toBe("printf '%s' 'x'");
  });

  it.each([
    ['success()', 'success', true],
    ['success()', 'failure', false],
    ['failure()', 'failure', true],
    ['always()', 'cancelled', true],
    ['cancelled()', 'cancelled', true],
    ["success() && (github.ref == 'refs/heads/main')", 'success', true],
    ["success() && (github.ref == 'refs/heads/dev')", 'success', false],
    ['contains(fromJSON(\'["a","b"]\'), \'b\') && vars.X', 'success', false],
  ] as const)('%s with the job %s is %s', (expression, status, expected) => {
    expect(evaluateCondition(expression, { github: { ref: 'refs/heads/main' }, vars: {} }, status)).toBe(
      expected,
    );
  });

  it('fails with the expression in one line when it cannot be evaluated', () => {
    expect(() => evaluateExpression("fromJSON('nope')", {}, 'success')).toThrow(ExpressionFailure);
    expect(() => evaluateExpression('hashFiles()', {}, 'success')).toThrow(/hashFiles/);
  });
});
