// The text of the mail Homeport sends about an account; links point at the panel (HOMEPORT_PUBLIC_URL).
import type { Config } from '../config.ts';
import type { MailMessage } from '../mail/mailer.ts';

export const verificationValidForMs = 48 * 3_600_000;
export const resetValidForMs = 3_600_000;

export function verificationMail(config: Config, to: string, name: string, token: string): MailMessage {
  const link = `${config.publicUrl}/verify-email?token=${encodeURIComponent(token)}`;
  return {
    to,
    subject: 'Verify your email address',
    text: `Hello ${name},\n\nplease confirm that ${to} is your email address by opening this link:\n\n${link}\n\nThe link works once and expires in 48 hours. If you did not sign up, ignore this mail.\n`,
  };
}

export function passwordResetMail(config: Config, to: string, token: string): MailMessage {
  const link = `${config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
  return {
    to,
    subject: 'Reset your password',
    text: `Someone asked to reset the password of ${to}. To choose a new password, open this link:\n\n${link}\n\nThe link works once and expires in one hour. If it was not you, ignore this mail; your password stays as it is.\n`,
  };
}
