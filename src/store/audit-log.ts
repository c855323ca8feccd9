// The audit log: who did which privileged action, on which host, when. Never a secret.
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

export async function listAudit(db: Db, options: { limit: number; before?: string; accountId?: string }): Promise<AuditLogRow[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(options.limit);
  if (options.before) query = query.where('id', '<', options.before);
  if (options.accountId) query = query.where('actor_account_id', '=', options.accountId);
  return query.execute();
}
