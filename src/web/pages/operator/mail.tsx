// Operator: mail captured while no SMTP server is configured (development), newest first; the
// links in a mail (verification, password reset) can be clicked, as in a mail client.
import { useState } from 'react';
import { get } from '../../api-client.ts';
import type { CapturedMail } from '../../api-types.ts';
import { EmptyState, Field, Loading, ProblemBanner } from '../../forms.tsx';
import { formatDate } from '../../format.tsx';
import { PageTitle } from '../../layout.tsx';
import { useApi } from '../../use-api.ts';
import { OperatorTabs } from './operator-nav.tsx';

export function OperatorMailPage() {
  const [to, setTo] = useState('');
  const [applied, setApplied] = useState('');
  const mail = useApi(() => get<{ mail: CapturedMail[] }>(`/operator/mail${applied ? `?to=${encodeURIComponent(applied)}` : ''}`), [applied]);
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <h2>Captured mail</h2>
      <p className="muted">Without HOMEPORT_SMTP_URL, Homeport sends no mail: it keeps it here (and in the log).</p>
      <form className="search" role="search" onSubmit={(event) => { event.preventDefault(); setApplied(to.trim()); }}>
        <Field label="Recipient" name="to" type="search" value={to} onChange={(e) => setTo(e.target.value)} />
        <button type="submit" className="secondary">Filter</button>
      </form>
      <ProblemBanner problem={mail.problem} />
      {!mail.data ? <Loading /> : mail.data.mail.length === 0 ? <EmptyState title="No captured mail" /> : (
        <ul className="cards">
          {mail.data.mail.map((message) => (
            <li key={message.id} className="card mail">
              <p className="card-title">{message.subject}</p>
              <p className="muted">To {message.to} · {formatDate(message.at)}</p>
              {/* Focusable: a long mail scrolls, and the keyboard must reach what is scrolled away. */}
              <pre className="mail-text" tabIndex={0} aria-label={`Text of "${message.subject}"`}><MailText text={message.text} /></pre>
              {message.attachments.length > 0 && <p className="muted">Attached: {message.attachments.join(', ')}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The text with each http(s) address made a link (React escapes the rest, so a mail cannot inject markup). */
function MailText({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return <>{parts.map((part, index) => (index % 2 === 1 ? <a key={index} href={part} target="_blank" rel="noreferrer">{part}</a> : part))}</>;
}
