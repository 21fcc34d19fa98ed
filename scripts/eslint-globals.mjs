// Node's globals, for ESLint (the project runs only on Node).
const names = [
  'process',
  'console',
  'Buffer',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'URL',
  'AbortController',
  'AbortSignal',
  'TextEncoder',
  'TextDecoder',
  'fetch',
  'structuredClone',
  '__dirname',
  'require',
  'module',
];
export default Object.fromEntries(names.map((n) => [n, 'readonly']));
