// Import rules ESLint cannot see across files (issue 16): no folder of src may depend, through any
// chain of imports, on a folder that depends on it (e.g. jobs <-> billing), so each folder can be
// understood, tested and replaced on its own.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment: 'A folder of src takes part in an import cycle with another folder.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    includeOnly: '^src/',
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
