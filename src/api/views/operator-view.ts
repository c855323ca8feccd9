// How accounts, hosts, the machine's capacity, captured mail and audit log rows become what the operator console reads.
import type { Static } from 'typebox';
import type { AuditEntry, Capacity, Mail, OperatorAccount, OperatorHost } from '../../contract/operator.ts';
import type { AccountWithHosts } from '../../accounts/operator-accounts.ts';
import { auditSentence } from '../../domain/audit-sentences.ts';
import type { CapacityLimits } from '../../domain/capacity.ts';
import type { MachineCapacity } from '../../jobs/commands/machine-capacity.ts';
import type { NamedAuditRow } from '../../store/audit-log.ts';
import type { CapturedMail, HostRow } from '../../store/schema.ts';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function operatorAccountView({ account, hostNames }: AccountWithHosts): Static<typeof OperatorAccount> {
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
    hosts: [...hostNames],
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

export function operatorHostView(host: HostRow & { account_email: string }): Static<typeof OperatorHost> {
  return {
    id: host.id, label: host.label, serverName: host.server_name, status: host.status, size: host.size, seats: host.seats,
    accountId: host.account_id, accountEmail: host.account_email, createdAt: iso(host.created_at)!,
  };
}

export function mailView(mail: CapturedMail): Static<typeof Mail> {
  return { id: Number(mail.id), at: iso(mail.at)!, to: mail.recipient, subject: mail.subject, text: mail.text, attachments: mail.attachments };
}

export function auditView(entry: NamedAuditRow): Static<typeof AuditEntry> {
  return {
    id: Number(entry.id), at: iso(entry.at)!, actor: entry.actor, actorAccountId: entry.actor_account_id, actorEmail: entry.actor_email,
    action: entry.action, hostId: entry.host_id, hostName: entry.host_name, details: entry.details,
    sentence: auditSentence({ actor: entry.actor, actorEmail: entry.actor_email, action: entry.action, hostName: entry.host_name, subjectEmail: entry.subject_email, details: entry.details }),
  };
}

export function capacityView(capacity: MachineCapacity, limits: CapacityLimits): Static<typeof Capacity> {
  return {
    hostsByStatus: capacity.hostsByStatus,
    hosts: capacity.hosts,
    processes: capacity.processes,
    memory: capacity.memory,
    databaseConnections: capacity.databaseConnections,
    limits,
    full: capacity.fullBecause.length > 0,
    fullBecause: capacity.fullBecause,
  };
}
