// Evaluates a workflow's `${{ }}` expressions and templates with GitHub's own expression language
// (@actions/expressions) over plain JSON contexts: the status functions (success(), failure(), always(),
// cancelled()) answer from the job's status as the runner's do.
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { TokenType, type Token } from '@actions/expressions/lexer';
import { isBasicExpression, isLiteral, isMapping, isSequence } from '@actions/workflow-parser';
import type { JobStatus } from '../../replay';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';

/** The contexts an expression reads (github, env, matrix, secrets, vars, steps, job, runner, ...), as JSON. */
export type Contexts = Record<string, unknown>;

export class ExpressionFailure extends Error {
  override name = 'ExpressionFailure';
}

const CONTEXT_NAMES = [
  'github',
  'env',
  'matrix',
  'secrets',
  'vars',
  'steps',
  'job',
  'runner',
  'strategy',
  'inputs',
  'needs',
];

const STATUS_FUNCTIONS = ['success', 'failure', 'always', 'cancelled'] as const;

function statusFunctions(status: JobStatus) {
  const answers: Record<(typeof STATUS_FUNCTIONS)[number], boolean> = {
    success: status === 'success',
    failure: status === 'failure',
    always: true,
    cancelled: status === 'cancelled',
  };
  return new Map(
    STATUS_FUNCTIONS.map((name) => [
      name,
      { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(answers[name]) },
    ]),
  );
}

/**
 * The lexer's tokens with every `''` in a string literal read as `'`: @actions/expressions 0.3.61 turns
 * only the first one back, and the workflow parser escapes each `'` of a `run:` holding an expression.
 */
function lex(expression: string): Token[] {
  return new Lexer(expression)
    .lex()
    .tokens.map((token) =>
      token.type === TokenType.STRING
        ? { ...token, value: token.lexeme.slice(1, -1).replaceAll("''", "'") }
        : token,
    );
}

/** One expression (without `${{ }}`) to GitHub's expression data. */
export function evaluateExpression(
  expression: string,
  contexts: Contexts,
  status: JobStatus,
): data.ExpressionData {
  const functions = statusFunctions(status);
  try {
    const tree = new Parser(lex(expression), CONTEXT_NAMES, [...functions.values()]).parse();
    const context = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
    return new Evaluator(tree, context, functions).evaluate();
  } catch (error) {
    throw new ExpressionFailure(
      `\${{ ${expression} }}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** As the runner reads a condition: the expression's truthiness. */
export function evaluateCondition(expression: string, contexts: Contexts, status: JobStatus): boolean {
  const value = evaluateExpression(expression, contexts, status);
  switch (value.kind) {
    case data.Kind.Null:
      return false;
    case data.Kind.Boolean:
      return value.value;
    case data.Kind.Number:
      return value.value !== 0 && !Number.isNaN(value.value);
    case data.Kind.String:
      return value.value !== '';
    default:
      return true;
  }
}

function toJson(value: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer)) as unknown;
}

/** A template (a value of the workflow, expressions anywhere in it) to plain JSON; `null` stays null. */
export function evaluateTemplate(token: TemplateToken | undefined, contexts: Contexts): unknown {
  if (token === undefined) return undefined;
  if (isBasicExpression(token)) return toJson(evaluateExpression(token.expression, contexts, 'success'));
  if (isLiteral(token)) {
    const literal = token.toJSON() as unknown;
    return literal;
  }
  if (isSequence(token)) {
    const items: unknown[] = [];
    for (const item of token) items.push(evaluateTemplate(item, contexts));
    return items;
  }
  if (isMapping(token)) {
    const map: Record<string, unknown> = {};
    for (const pair of token)
      map[asString(evaluateTemplate(pair.key, contexts))] = evaluateTemplate(pair.value, contexts);
    return map;
  }
  throw new ExpressionFailure('a value dockhand run cannot evaluate');
}

/** The runner's string of a value: null is empty, booleans and numbers as written, objects as JSON. */
export function asString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 2);
}

/** A map of names to values (env:, with:) as strings; YAML null becomes "". */
export function evaluateStrings(
  token: TemplateToken | undefined,
  contexts: Contexts,
): Record<string, string> {
  const value = evaluateTemplate(token, contexts);
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ExpressionFailure('expected a map of names to values');
  return Object.fromEntries(Object.entries(value).map(([name, v]) => [name, asString(v)]));
}
