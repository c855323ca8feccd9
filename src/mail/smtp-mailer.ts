// Sends account mail through the SMTP server of HOMEPORT_SMTP_URL (nodemailer).
import nodemailer, { type Transporter } from 'nodemailer';
import type { Mailer, MailMessage } from './mailer.ts';

export class SmtpMailer implements Mailer {
  readonly #transport: Transporter;
  readonly #from: string;

  constructor(options: { url: string; from: string }) {
    this.#transport = nodemailer.createTransport(options.url);
    this.#from = options.from;
  }

  async send(message: MailMessage): Promise<void> {
    await this.#transport.sendMail({
      from: this.#from, to: message.to, subject: message.subject, text: message.text,
      ...(message.attachments?.length ? { attachments: message.attachments.map((file) => ({ filename: file.filename, contentType: file.contentType, content: file.content })) } : {}),
    });
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}
