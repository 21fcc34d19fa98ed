// Layering rules (see README "Architecture"): each folder of src/ imports only the layers below it,
// and only src/exec may start processes.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from './scripts/eslint-globals.mjs';

const childProcess = { name: 'node:child_process', message: 'start processes through src/exec only' };

function layer(dir, forbidden, { mayExec = false } = {}) {
  return {
    files: [`${dir}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: mayExec ? [] : [childProcess],
          patterns: forbidden.map((d) => ({
            group: [`**/${d}/*`, `**/${d}`],
            message: `${dir} must not import ${d}/`,
          })),
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.stack/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain CommonJS programs (test fixtures started as processes).
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  layer('src/protocol', ['exec', 'docker', 'hook', 'ecr', 'replay', 'cli', 'bin']),
  layer('src/exec', ['protocol', 'docker', 'hook', 'ecr', 'replay', 'cli', 'bin'], { mayExec: true }),
  layer('src/docker', ['hook', 'ecr', 'replay', 'cli', 'bin']),
  layer('src/hook', ['ecr', 'replay', 'cli', 'bin']),
  layer('src/ecr', ['exec', 'docker', 'hook', 'replay', 'cli', 'bin']),
  layer('src/replay', ['docker', 'hook', 'ecr', 'cli', 'bin']),
  layer('src/cli', ['bin']),
  layer('src/bin', []),
  layer('test/stack', ['src']),
);
