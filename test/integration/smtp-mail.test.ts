// With HOMEPORT_SMTP_URL, account mail goes to a real SMTP server (smtp-server on loopback)
// and nothing is captured in the database.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { HomeportProcess } from '../support/homeport-process.ts';
import { openHomeportDatabase } from '../support/host-admin.ts';
import { freePort } from '../support/throwaway-postgres.ts';
import { PanelClient } from '../support/panel-client.ts';

describe('mail through SMTP', () => {
  let homeport: HomeportProcess;
  let smtp: SMTPServer;
  const received: { to: string[]; data: string }[] = [];

  before(async () => {
    const port = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
    homeport = await HomeportProcess.create('smtp', { HOMEPORT_SMTP_URL: `smtp://127.0.0.1:${port}`, HOMEPORT_PUBLIC_URL: 'https://panel.smtp.localhost' });
    await homeport.start();
  });
  after(async () => {
    await homeport?.cleanup();
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  });

  test('sends the verification mail with a link to the panel, and the link works', async () => {
    const client = new PanelClient(homeport.apiUrl);
    const registered = await client.request('POST', '/api/v1/accounts', { body: { email: 'mailed@example.org', name: 'Mailed', password: 'a long enough password' } });
    assert.equal(registered.status, 201);
    assert.match(client.setCookieHeader ?? '', /Secure/, 'the panel is served over https');
    const mail = received.find((m) => m.to.includes('mailed@example.org'));
    assert.ok(mail, 'the SMTP server received the mail');
    assert.match(mail.data, /Subject: Verify your email address/);
    assert.match(mail.data, /From: Homeport <noreply@smtp\.localhost>/);
    // The body is quoted-printable: join soft line breaks and decode =XX escapes.
    const body = mail.data.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    const token = /https:\/\/panel\.smtp\.localhost\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(body)?.[1];
    assert.ok(token, mail.data);
    assert.equal((await client.request('POST', '/api/v1/email-verifications', { body: { token } })).status, 200);

    const opened = await openHomeportDatabase(homeport);
    try {
      assert.equal((await opened.db.selectFrom('captured_mail').select('id').execute()).length, 0);
    } finally {
      await opened.close();
    }
  });
});
