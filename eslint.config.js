import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

// The house's layers (../shared/DESIGN.md), enforced: a wrong import fails lint, not a review.
const nodeModules = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const electronOnlyInShell = { name: 'electron', message: 'Only main/electron/ may import electron; the core runs in plain Node.' };
const intoMain = { regex: '^(\\.\\./)+main(/|$)', message: 'Talk to the back end through the contract in app/, not by importing main/.' };
const intoRenderer = { regex: '^(\\.\\./)+renderer(/|$)', message: 'The back end never imports the UI.' };
const intoShell = { regex: '^(\\.\\./)+electron(/|$)', message: 'The core must not depend on the Electron shell.' };

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'node_modules/', 'test-results/', 'playwright-report/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json'],
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, svelteConfig } },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: globals.node, parserOptions: { project: null } },
  },
  {
    files: ['app/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            electronOnlyInShell,
            ...['svelte', 'ssh2', 'dockerode', 'ws', ...nodeModules].map((name) => ({
              name,
              message: 'app/ is pure: no Node, DOM, Svelte or I/O modules.',
            })),
          ],
          patterns: [intoMain, intoRenderer],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell, ...nodeModules.map((name) => ({ name, message: 'The renderer runs in a browser: no Node modules.' }))],
          patterns: [intoMain],
        },
      ],
    },
  },
  {
    files: ['main/**'],
    ignores: ['main/electron/**'],
    languageOptions: { globals: globals.node },
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnlyInShell], patterns: [intoRenderer, intoShell] }] },
  },
  {
    files: ['main/electron/**'],
    languageOptions: { globals: globals.node },
    rules: { 'no-restricted-imports': ['error', { patterns: [intoRenderer] }] },
  },
);
