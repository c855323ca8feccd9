// What the operator console reads: accounts, hosts of every customer, captured mail, audit log entries.
import { Type } from 'typebox';
import { HostStatus } from './hosts.ts';
import { Nullable } from './nullable.ts';

export const OperatorAccount = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Type.String(),
  companyName: Type.Union([Type.String(), Type.Null()]),
  isOperator: Type.Boolean(),
  emailVerified: Type.Boolean(),
  twoFactorEnabled: Type.Boolean(),
  suspendedAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  invoicePaymentEnabled: Type.Boolean(),
  vatId: Type.Union([Type.String(), Type.Null()]),
  viesCheck: Type.Union([Type.Object({
    vatId: Type.String(),
    current: Type.Boolean({ description: 'Whether this check is of the VAT ID the account has now' }),
    checkedAt: Type.String({ format: 'date-time' }),
    requestDate: Type.Union([Type.String(), Type.Null()]),
    requestIdentifier: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
    address: Type.Union([Type.String(), Type.Null()]),
  }, { description: "The last successful VIES check of the account's VAT ID: the evidence for reverse charge" }), Type.Null()]),
});

export const OperatorHost = Type.Object({
  id: Type.String({ format: 'uuid' }),
  label: Type.String(),
  serverName: Type.String(),
  status: HostStatus,
  size: Type.String(),
  seats: Type.Integer(),
  accountId: Type.String({ format: 'uuid' }),
  accountEmail: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const Mail = Type.Object({ id: Type.Integer(), at: Type.String({ format: 'date-time' }), to: Type.String(), subject: Type.String(), text: Type.String(), attachments: Type.Array(Type.String(), { description: 'Names of the files sent with the mail' }) });

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String(),
  actorAccountId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  hostId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});
