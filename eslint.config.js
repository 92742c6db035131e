import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';

/**
 * The import rules of the rooms (docs/architecture.md, "Rooms of the house"): each entry is a
 * folder that may not be reached from the files it is given to. Type-only imports count too.
 */
const room = (folder, why) => ({ group: [`**/${folder}`, `**/${folder}/**`], message: why });
const outsideShared = [
  { regex: '^(?!zod$|zod/|\\.)', message: 'shared/ imports nothing but zod (and itself): no node:*, no packages, no DOM.' },
  ...['server', 'client', 'mocks', 'tests', 'bench', 'bin'].map((folder) => room(folder, 'shared/ imports nothing but zod (and itself).')),
];
const serverRooms = [
  room('client', 'server/ never imports client/ (move what both need to shared/).'),
  room('mocks', 'server/ never imports mocks/ (they talk to it through the public ingest API).'),
];
const restrict = (patterns, paths = []) => ({ 'no-restricted-imports': ['error', { patterns, paths }] });
/** Redis is spoken in two rooms only: server/cluster/ (shared device state) and server/realtime/redis.ts (the Socket.IO adapter). */
const noRedis = [{ name: 'redis', message: 'only server/cluster/ and server/realtime/redis.ts talk to Redis.' }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  { files: ['shared/**/*.ts'], rules: restrict(outsideShared) },
  {
    files: ['client/**/*.ts', 'client/**/*.vue'],
    rules: restrict([
      room('server', 'client/ never imports server/ (the contract is in shared/).'),
      room('mocks', 'client/ never imports mocks/.'),
      { regex: '^node:', message: 'client/ runs in the browser: no node:* modules.' },
    ]),
  },
  { files: ['server/**/*.ts'], rules: restrict(serverRooms, noRedis) },
  { files: ['server/cluster/**/*.ts', 'server/realtime/redis.ts'], rules: restrict([...serverRooms, room('http', 'server/cluster never imports server/http.')]) },
  {
    files: ['mocks/**/*.ts'],
    rules: restrict(['server', 'client'].map((folder) => room(folder, 'mocks/ imports shared/ only: it talks to the server through the public ingest API.'))),
  },
  {
    files: ['server/services/**/*.ts'],
    rules: restrict([...serverRooms, room('http', 'services never import server/http (the edge calls the service).'), room('realtime', 'services never import server/realtime (the edge calls the service).')], noRedis),
  },
  {
    files: ['server/db/**/*.ts'],
    rules: restrict([
      ...serverRooms,
      ...['services', 'http', 'realtime', 'cluster'].map((folder) => room(folder, 'server/db never imports services, http, realtime or cluster (they call the repositories).')),
    ], noRedis),
  },
);
