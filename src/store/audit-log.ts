// The audit log: who did which privileged action, on which host, when. Never a secret.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { AuditLogRow } from './schema.ts';

export interface AuditEntry {
  actorAccountId: string | null;
  actor: string;
  action: string;
  hostId?: string | null;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_account_id: entry.actorAccountId,
      actor: entry.actor,
      action: entry.action,
      host_id: entry.hostId ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

/** An entry with the names a reader needs: the acting account's email, the host's server name, the email of the account it is about. */
export type NamedAuditRow = AuditLogRow & { actor_email: string | null; host_name: string | null; subject_email: string | null };

export async function listAudit(db: Db, options: { limit: number; before?: string; accountId?: string }): Promise<NamedAuditRow[]> {
  let query = db.selectFrom('audit_log')
    .leftJoin('accounts as actor', 'actor.id', 'audit_log.actor_account_id')
    .leftJoin('hosts', 'hosts.id', 'audit_log.host_id')
    .leftJoin('accounts as subject', (join) => join.on(sql<string>`subject.id::text`, '=', sql<string>`audit_log.details->>'accountId'`))
    .selectAll('audit_log')
    .select(['actor.email as actor_email', 'hosts.server_name as host_name', 'subject.email as subject_email'])
    .orderBy('audit_log.id', 'desc').limit(options.limit);
  if (options.before) query = query.where('audit_log.id', '<', options.before);
  if (options.accountId) query = query.where('audit_log.actor_account_id', '=', options.accountId);
  return query.execute();
}
