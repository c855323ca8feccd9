// Mail captured instead of sent, when no SMTP server is configured: operators read it through the API.
import type { Db } from './database.ts';
import type { CapturedMail } from './schema.ts';

export async function insertCapturedMail(db: Db, mail: { to: string; subject: string; text: string; attachments?: string[] | undefined }): Promise<void> {
  await db.insertInto('captured_mail').values({ recipient: mail.to, subject: mail.subject, text: mail.text, attachments: mail.attachments ?? [] }).execute();
}

export async function listCapturedMail(db: Db, options: { recipient?: string; limit: number }): Promise<CapturedMail[]> {
  let query = db.selectFrom('captured_mail').selectAll().orderBy('id', 'desc').limit(options.limit);
  if (options.recipient) query = query.where((eb) => eb(eb.fn('lower', ['recipient']), '=', options.recipient!.toLowerCase()));
  return query.execute();
}
