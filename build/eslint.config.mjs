// Lint rules, including the layering of DESIGN.md §1, enforced here rather than by goodwill:
//   src-shared   → no electron, no node:*, no DOM globals (also checked by build/tsconfig.shared.json)
//   src-main/**  → electron only inside src-main/electron
//   src-renderer → talks to the host only through src-shared/ipc (no src-main, no electron, no node:*)
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// Bare names are matched exactly (`paths`), so a folder such as ../net/addr is not mistaken for `net`.
const nodeBuiltinNames = ['fs', 'fs/promises', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'url', 'util', 'stream', 'zlib', 'worker_threads', 'buffer', 'events', 'dgram', 'dns', 'tls'];
const nodePaths = nodeBuiltinNames.map((name) => ({ name, message: 'This layer runs in the renderer too: no Node built-ins.' }));

const electronBan = { group: ['electron', 'electron/*'], message: 'Only src-main/electron may import electron.' };
const nodeBan = { group: ['node:*'], message: 'This layer runs in the renderer too: no Node built-ins.' };
const mainBan = { group: ['**/src-main/**', '../../src-main/*'], message: 'The renderer reaches the main process only through src-shared/ipc.' };

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', '.reports/**', '**/*.d.ts', 'build/bench/out/**'],
  },
  {
    basePath: root,
    files: ['**/*.ts', '**/*.mts', '**/*.vue'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-globals': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Test doubles (recording stand-ins for electron, Workers, sockets) are typed loosely on purpose.
    files: ['**/*.test.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...vue.configs['flat/essential'].map((c) => ({ ...c, files: ['src-renderer/**/*.vue'] })),
  {
    files: ['src-renderer/**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module' } },
    rules: { 'vue/multi-word-component-names': 'off' },
  },
  {
    files: ['src-shared/**/*.ts'],
    ignores: ['src-shared/**/*.test.ts', 'src-shared/**/test-support/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: nodePaths, patterns: [electronBan, nodeBan, mainBan] }],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'localStorage', 'location', 'Buffer', 'process', 'require', '__dirname'].map((name) => ({
          name,
          message: 'src-shared is pure TypeScript: no DOM and no Node globals.',
        })),
      ],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electronBan] }] },
  },
  {
    files: ['src-main/engine/**/*.ts'],
    ignores: ['src-main/engine/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [electronBan, { group: ['**/host/**', '**/serve/**', '**/cli/**'], message: 'The engine is a library: it does not know its callers.' }] }],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'The engine is deterministic: use the lab seeded PRNG.' },
        { object: 'Date', property: 'now', message: 'The engine runs in virtual time: use the simulation clock.' },
        { object: 'performance', property: 'now', message: 'The engine runs in virtual time: use the simulation clock.' },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    ignores: ['src-renderer/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: nodePaths, patterns: [electronBan, nodeBan, mainBan] }] },
  },
);
