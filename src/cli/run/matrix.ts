// A job's matrix combinations as GitHub expands `strategy.matrix`: the product of its lists, `exclude`
// taken out, then each `include` added to every combination it matches without overwriting a value
// of the product, or as a combination of its own when it matches none.
type Combination = Record<string, unknown>;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function matrixCombinations(strategy: unknown): Combination[] {
  const matrix = (strategy as { matrix?: unknown } | undefined)?.matrix;
  if (matrix === undefined || matrix === null || typeof matrix !== 'object') return [{}];
  const { include, exclude, ...lists } = matrix as Record<string, unknown>;
  let product: Combination[] = Object.keys(lists).length === 0 ? [] : [{}];
  for (const [name, values] of Object.entries(lists)) {
    const list = Array.isArray(values) ? values : [values];
    product = product.flatMap((c) => list.map((v) => ({ ...c, [name]: v })));
  }
  const matches = (c: Combination, partial: Combination) =>
    Object.entries(partial).every(([k, v]) => same(c[k], v));
  const excluded = Array.isArray(exclude) ? (exclude as Combination[]) : [];
  product = product.filter((c) => !excluded.some((e) => matches(c, e)));
  const original = product.map((c) => ({ ...c }));
  const extra: Combination[] = [];
  for (const entry of Array.isArray(include) ? (include as Combination[]) : []) {
    let added = false;
    product.forEach((c, i) => {
      const base = original[i] ?? {};
      const fits = Object.entries(entry).every(([k, v]) => !(k in base) || same(base[k], v));
      if (fits) {
        Object.assign(c, entry);
        added = true;
      }
    });
    if (!added) extra.push({ ...entry });
  }
  const all = [...product, ...extra];
  return all.length === 0 ? [{}] : all;
}

/** The combinations that have every `NAME=VALUE` given (values compared as the runner prints them). */
export function pickCombinations(all: Combination[], picks: [string, string][]): Combination[] {
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  return all.filter((c) => picks.every(([name, value]) => name in c && text(c[name]) === value));
}

export function describeCombination(c: Combination): string {
  return Object.entries(c)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}
