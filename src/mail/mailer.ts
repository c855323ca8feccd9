// The mail boundary: services send account mail through a Mailer they are given; SMTP in
// production, captured in the database (and the log) when no SMTP server is configured.
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Files sent with the mail (an invoice's PDF); captured mail keeps their names only. */
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}
