import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '.cache', '.local', '.nx', 'coverage', 'bench/results'] },
  {
    files: ['**/*.ts'],
    // Lets consistent-type-imports see that Nest's DI reads constructor parameter types at run time.
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
    rules: {
      // Apps talk only over Kafka: they import libs, never each other. Contracts stay framework-free.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'layer:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:shared', notDependOnLibsWithTags: ['scope:tooling'] },
            // The partner SDK ships to partners: it may only use the framework-free contracts.
            { sourceTag: 'scope:sdk', onlyDependOnLibsWithTags: ['layer:contracts'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='eval']", message: 'No eval: expressions are parsed, never evaluated as code.' },
        { selector: "NewExpression[callee.name='Function']", message: 'No Function constructor.' },
      ],
    },
  },
  {
    // Test helpers are for tests: production code of apps and shared libs never imports them.
    files: ['apps/{ingest,enrichment,access-control,metering,delivery}/src/**/*.ts', 'libs/{contracts,config,kafka,database,service,auth,streams,expressions,entitlements}/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@streamgate/testing', '@streamgate/dev-stack'], message: 'test and dev tooling stay out of production code.' }] }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['libs/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@nestjs/*', 'kafkajs', 'typeorm', 'socket.io*'], message: 'libs/contracts is framework-free.' }] }],
    },
  },
];
