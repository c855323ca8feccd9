// Lint rules for the whole repository: typescript-eslint's recommended set, type-aware.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', '.tools/', '.cache/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Jobs, API and domain talk to a runtime only through src/runtime/runtime.ts; the local
    // runtime is wired in by the composition root and the CLI.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/runtime/local/**', 'src/start-homeport.ts', 'src/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/runtime/local/*'], message: 'Use the interfaces of src/runtime/runtime.ts.' }] }],
    },
  },
);
