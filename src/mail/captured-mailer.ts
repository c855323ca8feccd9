// Development mail: kept in the captured_mail table for the operator console and written to the
// log, so that sign-up works with no mail server at all.
import type { Logger } from '../logger.ts';
import type { Db } from '../store/database.ts';
import { insertCapturedMail } from '../store/captured-mail.ts';
import type { Mailer, MailMessage } from './mailer.ts';

export class CapturedMailer implements Mailer {
  readonly #db: Db;
  readonly #logger: Logger;

  constructor(options: { db: Db; logger: Logger }) {
    this.#db = options.db;
    this.#logger = options.logger;
  }

  async send(message: MailMessage): Promise<void> {
    await insertCapturedMail(this.#db, { ...message, attachments: message.attachments?.map((file) => file.filename) });
    this.#logger.info({ mailTo: message.to, subject: message.subject, body: message.text }, 'mail captured (no HOMEPORT_SMTP_URL)');
  }

  async close(): Promise<void> {}
}
