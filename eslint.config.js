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
    // The engine is framework-agnostic: no React, DOM or Electron (like xyflow's packages/system).
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['react', 'react-dom', 'electron', 'zustand', '@xyflow/react'],
        patterns: ['../renderer/*', '../../renderer/*', '../electron/*', '../../electron/*'],
      }],
    },
  },
  {
    // The renderer runs in a sandboxed page: no Node or Electron imports.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['electron', 'fs', 'path', 'child_process', 'node:fs', 'node:path', 'node:child_process'],
      }],
    },
  },
  {
    files: ['**/*.js', 'scripts/**', 'bin/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
