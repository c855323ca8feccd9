// What the operator console reads: accounts, hosts of every customer, captured mail, audit log entries.
import { Type, type Static } from 'typebox';
import type { Account, AuditLogRow, CapturedMail, HostRow } from '../../store/schema.ts';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
const NullableTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const OperatorAccount = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Type.String(),
  companyName: Type.Union([Type.String(), Type.Null()]),
  isOperator: Type.Boolean(),
  emailVerified: Type.Boolean(),
  twoFactorEnabled: Type.Boolean(),
  suspendedAt: NullableTime,
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

export function operatorAccountView(account: Account): Static<typeof OperatorAccount> {
  return {
    id: account.id,
    email: account.email,
    name: account.name,
    companyName: account.company_name,
    isOperator: account.is_operator,
    emailVerified: account.email_verified_at !== null,
    twoFactorEnabled: account.totp_enabled_at !== null,
    suspendedAt: iso(account.suspended_at),
    createdAt: iso(account.created_at)!,
    invoicePaymentEnabled: account.invoice_payment_enabled,
    vatId: account.vat_id,
    viesCheck: account.vies_vat_id === null || account.vies_checked_at === null ? null : {
      vatId: account.vies_vat_id,
      current: account.vies_vat_id === account.vat_id,
      checkedAt: iso(account.vies_checked_at)!,
      requestDate: account.vies_request_date,
      requestIdentifier: account.vies_request_identifier,
      name: account.vies_name,
      address: account.vies_address,
    },
  };
}

export const OperatorHost = Type.Object({
  id: Type.String({ format: 'uuid' }),
  label: Type.String(),
  serverName: Type.String(),
  status: Type.String(),
  size: Type.String(),
  seats: Type.Integer(),
  accountId: Type.String({ format: 'uuid' }),
  accountEmail: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export function operatorHostView(host: HostRow & { account_email: string }): Static<typeof OperatorHost> {
  return {
    id: host.id, label: host.label, serverName: host.server_name, status: host.status, size: host.size, seats: host.seats,
    accountId: host.account_id, accountEmail: host.account_email, createdAt: iso(host.created_at)!,
  };
}

export const Mail = Type.Object({ id: Type.Integer(), at: Type.String({ format: 'date-time' }), to: Type.String(), subject: Type.String(), text: Type.String(), attachments: Type.Array(Type.String(), { description: 'Names of the files sent with the mail' }) });

export function mailView(mail: CapturedMail): Static<typeof Mail> {
  return { id: Number(mail.id), at: iso(mail.at)!, to: mail.recipient, subject: mail.subject, text: mail.text, attachments: mail.attachments };
}

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String(),
  actorAccountId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  hostId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export function auditView(entry: AuditLogRow): Static<typeof AuditEntry> {
  return { id: Number(entry.id), at: iso(entry.at)!, actor: entry.actor, actorAccountId: entry.actor_account_id, action: entry.action, hostId: entry.host_id, details: entry.details };
}
