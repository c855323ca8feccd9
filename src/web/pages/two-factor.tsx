// Two-factor enrolment: a QR code of the otpauth:// URI (and the secret to type), confirm with a
// code, then the ten recovery codes, shown this once.
import qrcode from 'qrcode-generator';
import { useState } from 'react';
import { post } from '../api-client.ts';
import { CopyButton, Field, Notice, ProblemBanner, useSubmit } from '../forms.tsx';
import { useSession } from '../session.tsx';

function qrDataUrl(text: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr.createDataURL(5, 2);
}

export function TwoFactorSection() {
  const { account, refresh } = useSession();
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUri: string } | undefined>();
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | undefined>();
  const begin = useSubmit(async () => {
    setEnrolment(await post<{ secret: string; otpauthUri: string }>('/account/two-factor'));
  });
  const confirm = useSubmit(async () => {
    const answer = await post<{ recoveryCodes: string[] }>('/account/two-factor/confirm', { code: code.trim() });
    setRecoveryCodes(answer.recoveryCodes);
    setEnrolment(undefined);
  });
  if (recoveryCodes) {
    return (
      <div className="shown-once">
        <Notice kind="success">Two-factor authentication is on.</Notice>
        <p className="shown-once-label">Your recovery codes</p>
        <ul className="recovery-codes" data-testid="recovery-codes">{recoveryCodes.map((c) => <li key={c}><code>{c}</code></li>)}</ul>
        <CopyButton text={recoveryCodes.join('\n')} label="Copy all codes" />
        <p className="warning-text">Each code works once, instead of a code from your app. They are shown only now: store them somewhere safe.</p>
        <button type="button" onClick={() => void refresh()}>I have stored them</button>
      </div>
    );
  }
  if (account?.twoFactorEnabled) {
    return <p>Two-factor authentication is on. {account.unusedRecoveryCodes} unused recovery codes left.</p>;
  }
  if (!enrolment) {
    return (
      <div>
        <ProblemBanner problem={begin.problem} />
        <p>Protect your account with a code from an authenticator app at every login.</p>
        <button type="button" disabled={begin.busy} onClick={() => void begin.onSubmit()}>Set up two-factor authentication</button>
      </div>
    );
  }
  return (
    <form onSubmit={(event) => void confirm.onSubmit(event)} noValidate>
      <p>Scan this QR code with your authenticator app, or type the secret in by hand.</p>
      <img className="qr" src={qrDataUrl(enrolment.otpauthUri)} alt="QR code of your two-factor secret" data-otpauth={enrolment.otpauthUri} />
      <p>Secret: <code data-testid="totp-secret">{enrolment.secret}</code></p>
      <ProblemBanner problem={confirm.problem} />
      <Field label="Code from the app" name="code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} problem={confirm.problem} />
      <button type="submit" disabled={confirm.busy}>Turn on</button>
    </form>
  );
}
