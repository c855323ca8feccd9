// What a custom-DNS host's owner publishes, and the delegation check's result, as the API shows them.
import { Type } from 'typebox';

const WellKnownFile = Type.Object({
  url: Type.String({ description: 'Where the file must be served' }),
  path: Type.String({ description: 'Its path below the web root, with no file extension' }),
  document: Type.Record(Type.String(), Type.Unknown()),
  body: Type.String({ description: 'The exact bytes to serve' }),
});

export const DelegationCheck = Type.Object({
  checkedAt: Type.String({ format: 'date-time' }),
  passed: Type.Boolean({ description: 'True when no finding is an error' }),
  findings: Type.Array(Type.Object({
    severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
    code: Type.String(),
    message: Type.String(),
    fix: Type.String(),
  })),
});

export const Delegation = Type.Object({
  client: WellKnownFile,
  server: WellKnownFile,
  cname: Type.Object({ name: Type.String(), type: Type.Literal('CNAME'), target: Type.String(), zoneLine: Type.String() }),
  snippets: Type.Object({
    nginx: Type.String(),
    caddy: Type.String(),
    staticHosting: Type.Object({
      files: Type.Array(Type.Object({ path: Type.String(), body: Type.String() })),
      headers: Type.Record(Type.String(), Type.String()),
      notes: Type.String(),
    }),
  }),
  lastCheck: Type.Union([DelegationCheck, Type.Null()]),
});
