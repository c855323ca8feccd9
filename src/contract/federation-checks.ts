// A host's federation check as the API shows it: whether remote servers reach the host and trust its key.
import { Type } from 'typebox';

export const FederationCheck = Type.Object({
  checkedAt: Type.String({ format: 'date-time', maxLength: 40 }),
  passed: Type.Boolean({ description: 'True when no finding is an error: remote servers reach the host and trust its key' }),
  findings: Type.Array(Type.Object({
    severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
    code: Type.String({ maxLength: 100, description: 'e.g. federation-certificate, federation-delegated-elsewhere' }),
    message: Type.String({ maxLength: 2000, description: 'What a remote server sees' }),
    fix: Type.String({ maxLength: 2000, description: 'What to do about it' }),
  }), { maxItems: 50 }),
});
