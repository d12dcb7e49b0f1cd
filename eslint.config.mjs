import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Workflows run in Temporal's deterministic sandbox: no Node built-ins, no I/O libraries, no
// clocks or randomness other than the ones the SDK replaces.
// Type-only imports are erased before bundling, so workflows may name activity types.
const forbiddenInWorkflows = [
  {
    group: [
      'node:*',
      'fs',
      'path',
      'os',
      'crypto',
      'http',
      'https',
      'net',
      'child_process',
      'worker_threads',
      'timers',
      'dns',
      'zlib',
    ],
    message: 'Workflows must be deterministic: no Node built-ins.',
    allowTypeImports: true,
  },
  {
    group: [
      '@prisma/*',
      '*generated/prisma*',
      'pg',
      'express',
      'nodemailer',
      'pino',
      '@temporalio/client',
      '@temporalio/worker',
      '*/activities/*',
      '../activities',
      '*/platform/*',
      '*/store/*',
      '*/api/*',
    ],
    message: 'Workflows must be deterministic: no I/O libraries; call an activity instead.',
    allowTypeImports: true,
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'generated/',
      '.data/',
      '.tools/',
      'coverage/',
      'bench/results/',
      'console/dist/',
      'console/generated/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', 'console/**/*.tsx', 'console/**/*.mts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'sla/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: forbiddenInWorkflows }],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use a workflow loop with sleep().' },
        { name: 'process', message: 'No process access in workflows.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Randomness breaks replay; pass values in.' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly', console: 'readonly' } },
  },
);
