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
    // The runtime boundary (issue 16): jobs, the reconciler, the API and the domain talk to a host
    // only through src/runtime/runtime.ts, so another runtime (Kubernetes) can replace the local
    // one. Only the local runtime and the entry points that wire it in (the composition root and
    // the command line of a local installation) may know loopback addresses, the data directory
    // and the local runtime's modules.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/runtime/local/**', 'src/start-homeport.ts', 'src/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/runtime/local/*'], message: 'Use the interfaces of src/runtime/runtime.ts.' }] }],
      'no-restricted-syntax': ['error',
        {
          selector: 'Literal[value=/^https?:\\x2F\\x2F(127\\.0\\.0\\.1|localhost|\\[::1\\])([:\\x2F]|$)/]',
          message: "A loopback URL is the local runtime's business: ask the runtime (runtime.hostEndpoint()).",
        },
        {
          selector: 'TemplateElement[value.raw=/https?:\\x2F\\x2F(127\\.0\\.0\\.1|localhost|\\[::1\\])([:\\x2F]|$)/]',
          message: "A loopback URL is the local runtime's business: ask the runtime (runtime.hostEndpoint()).",
        },
        {
          selector: 'Literal[value=/(^|[^0-9.])127\\.0\\.0\\.1([^0-9]|$)/]',
          message: "The loopback address is the local runtime's business: ask the runtime (runtime.hostEndpoint()).",
        },
        {
          selector: 'TemplateElement[value.raw=/(^|[^0-9.])127\\.0\\.0\\.1([^0-9]|$)/]',
          message: "The loopback address is the local runtime's business: ask the runtime (runtime.hostEndpoint()).",
        },
        {
          // A host's loopback ports live in the local runtime's own table (local_host_ports).
          selector: ':matches(Identifier, MemberExpression > Identifier.property)[name=/^(httpPort|metricsPort|http_port|metrics_port|upstreamPort)$/]',
          message: "A host's port is the local runtime's business: ask the runtime (runtime.hostEndpoint()).",
        },
        {
          selector: "MemberExpression[property.name='hostPorts']",
          message: "The hosts' port range is the local runtime's setting: only the composition root hands it over.",
        },
        {
          selector: "MemberExpression[property.name='dataDir']",
          message: "The data directory is the local runtime's: ask the runtime, or use config.workDir for Homeport's own working files.",
        },
      ],
    },
  },
);
