// The mail boundary: services send account mail through a Mailer they are given; SMTP in
// production, captured in the database (and the log) when no SMTP server is configured.
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}
