// Two-factor enrolment: a QR code of the otpauth:// URI (and the secret to type), confirm with a
// code, then the ten recovery codes, shown this once. Once on: new recovery codes, or turning it
// off, each with the password and a current code.
import qrcode from 'qrcode-generator';
import { useState } from 'react';
import { post } from '../api-client.ts';
import { CopyButton, Field, Notice, ProblemBanner, useSubmit } from '../forms.tsx';
import { useSession } from '../session.tsx';
import { showToast } from '../toasts.tsx';

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
        <Notice kind="success">Two-factor authentication is on. These are your recovery codes; any older ones no longer work.</Notice>
        <p className="shown-once-label">Your recovery codes</p>
        <ul className="recovery-codes" data-testid="recovery-codes">{recoveryCodes.map((c) => <li key={c}><code>{c}</code></li>)}</ul>
        <CopyButton text={recoveryCodes.join('\n')} label="Copy all codes" />
        <p className="warning-text">Each code works once, instead of a code from your app. They are shown only now: store them somewhere safe.</p>
        <button type="button" onClick={() => { setRecoveryCodes(undefined); void refresh(); }}>I have stored them</button>
      </div>
    );
  }
  if (account?.twoFactorEnabled) {
    return <TwoFactorOnForm unusedCodes={account.unusedRecoveryCodes} onNewCodes={setRecoveryCodes} onOff={refresh} />;
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

function TwoFactorOnForm({ unusedCodes, onNewCodes, onOff }: { unusedCodes: number; onNewCodes(codes: string[]): void; onOff(): Promise<unknown> }) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [intent, setIntent] = useState<'codes' | 'off'>('codes');
  const { busy, problem, onSubmit } = useSubmit(async () => {
    const proof = { password, code: code.trim() };
    if (intent === 'codes') {
      onNewCodes((await post<{ recoveryCodes: string[] }>('/account/two-factor/recovery-codes', proof)).recoveryCodes);
    } else {
      await post('/account/two-factor/off', proof);
      showToast('Two-factor authentication is off. Your account is protected by your password only.');
      await onOff();
    }
  });
  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label="Change two-factor authentication">
      <p>Two-factor authentication is on. <span data-testid="unused-codes">{unusedCodes === 1 ? '1 unused recovery code' : `${unusedCodes} unused recovery codes`}</span> left.</p>
      <p className="muted">To make new recovery codes or to turn two-factor off, confirm it is you.</p>
      <ProblemBanner problem={problem} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} problem={problem} />
      <Field label="Code from the app, or a recovery code" name="code" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} problem={problem} />
      <div className="actions">
        <button type="submit" disabled={busy} onClick={() => setIntent('codes')}>Make new recovery codes</button>
        <button type="submit" className="danger secondary" disabled={busy} onClick={() => setIntent('off')}>Turn two-factor off</button>
      </div>
    </form>
  );
}
