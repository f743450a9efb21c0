// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-*/**', 'out/**', 'runs/**', '**/*.d.ts', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    // The engine core (schema, blocks, graph, analysis, commands, codegen, compile, import) runs in the browser,
    // in web workers and in Node alike: no React, DOM shell, Electron or Node built-ins, and no reaching up into
    // the shells or the templates (like xyflow's packages/system). Node-only parts live in engine/node/.
    files: ['engine/**/*.ts', 'contract/**/*.ts'],
    // Tests and test support (test-*.ts) may use Node and the templates.
    ignores: ['engine/node/**', '**/*.test.ts', '**/test-*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['react', 'react-dom', 'electron', 'zustand', '@xyflow/react', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'url', 'module'],
        patterns: [
          { group: ['node:*'], message: 'Node built-ins belong in engine/node/ (the core runs in browsers and workers too).' },
          { group: ['**/electron', '**/electron/**', '**/renderer', '**/renderer/**'], message: 'The engine and the contract never import the shells.' },
          { group: ['**/templates', '**/templates/**'], message: 'Templates import the engine, never the reverse.' },
          { group: ['**/engine/node/**', '**/node/*', '**/node/**'], message: 'The core must not depend on the Node-only runtime (engine/node/).' },
        ],
      }],
    },
  },
  {
    // Node-only engine parts (training loop, datasets, backends, model files) may use Node but never the shells.
    files: ['engine/node/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['react', 'react-dom', 'electron', 'zustand', '@xyflow/react'],
        patterns: [
          { group: ['**/electron', '**/electron/**', '**/renderer', '**/renderer/**'], message: 'The engine never imports the shells.' },
          { group: ['**/templates', '**/templates/**'], message: 'Templates import the engine, never the reverse.' },
        ],
      }],
    },
  },
  {
    // The renderer runs in a sandboxed page: no Node or Electron imports, and the host contract comes from
    // the neutral contract/ folder, never from electron/.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['electron', 'fs', 'path', 'child_process', 'os'],
        patterns: [
          { group: ['node:*'], message: 'The renderer runs in a page: no Node built-ins.' },
          { group: ['**/electron', '**/electron/**'], message: 'Import the host contract from contract/, not electron/.' },
        ],
      }],
    },
  },
  {
    files: ['**/*.js', 'scripts/**', 'bin/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
