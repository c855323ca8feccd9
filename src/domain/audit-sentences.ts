// The audit log as sentences an operator reads at a glance ("alice@example.org added
// @bob:chat.example.org on chat.example.org."): one template per action, each naming only the
// details it needs, so a secret that ever reached an entry's details is still never shown.

export interface AuditFacts {
  /** Who acted: 'customer', 'operator', 'operator-cli', 'homeport' or 'stripe'. */
  actor: string;
  /** The acting account's email, when an account acted and still exists. */
  actorEmail: string | null;
  action: string;
  /** The host's server name, when the entry is about a host that still exists. */
  hostName: string | null;
  /** The email of the account the entry is about (details.accountId), when it still exists. */
  subjectEmail: string | null;
  details: Record<string, unknown>;
}

const actorWords: Record<string, string> = {
  customer: 'A customer',
  operator: 'An operator',
  'operator-cli': 'An operator on the command line',
  homeport: 'Homeport',
  stripe: 'Stripe',
};

const federationWords: Record<string, string> = { open: 'open to every server', allowlist: 'open to listed servers only', off: 'off' };

type Sentence = (who: string, facts: AuditFacts, read: Reader) => string;

const sentences: Record<string, Sentence> = {
  'account.registered': (who) => `${who} registered an account.`,
  'account.created': (who, _f, r) => `${who} created the account ${r.subject()}${r.flag('invoicePayment') ? ', with invoice payment' : ''}.`,
  'account.email-verified': (who) => `${who} verified their email address.`,
  'account.updated': (who, _f, r) => `${who} changed their account details${r.list('fields') ? ` (${r.list('fields')})` : ''}.`,
  'account.vat-id-verified': (who, _f, r) => `VIES confirmed the VAT ID ${r.text('vatId') ?? ''} of ${who}${r.text('name') ? `, registered to ${r.text('name')}` : ''}${r.text('requestIdentifier') ? ` (request ${r.text('requestIdentifier')})` : ''}.`,
  'account.password-reset-requested': (who) => `${who} asked for a password reset link.`,
  'account.password-reset': (who) => `${who} set a new password with a reset link.`,
  'account.password-changed': (who) => `${who} changed their password.`,
  'account.suspended': (who, _f, r) => `${who} suspended the account ${r.subject()}.`,
  'account.unsuspended': (who, _f, r) => `${who} lifted the suspension of ${r.subject()}.`,
  'operator.created': (who, _f, r) => `${who} created the first operator account, ${r.subject()}.`,
  'two-factor.enabled': (who) => `${who} turned on two-factor authentication.`,
  'two-factor.disabled': (who) => `${who} turned off two-factor authentication.`,
  'two-factor.recovery-codes-replaced': (who) => `${who} made new recovery codes.`,
  'two-factor.recovery-code-used': (who) => `${who} logged in with a recovery code.`,
  'token.created': (who, facts, r) => `${who} created an API token${r.text('name') ? ` named “${r.text('name')}”` : ''}${facts.actor === 'customer' ? '' : ` for ${r.subject()}`}.`,
  'token.revoked': (who) => `${who} revoked an API token.`,
  'terms.published': (who, _f, r) => `${who} published version ${r.text('version') ?? '?'} of the terms.`,
  'terms.accepted': (who, _f, r) => `${who} accepted version ${r.text('version') ?? '?'} of the terms.`,
  'billing.seller-set': (who, _f, r) => `${who} set the seller's details (${[r.text('legalName'), r.text('country'), r.number('paymentTermDays') !== undefined ? `payment within ${r.number('paymentTermDays')} days` : undefined].filter(Boolean).join(', ')}).`,
  'billing.check-requested': (who) => `${who} ran the billing check.`,
  'billing.card-saved': (who, _f, r) => `${who} saved a card${r.text('brand') ? ` (${r.text('brand')}${r.text('last4') ? ` ending in ${r.text('last4')}` : ''})` : ''}.`,
  'billing.invoice-payment-enabled': (who, _f, r) => `${who} allowed ${r.subject()} to pay by invoice.`,
  'billing.invoice-payment-disabled': (who, _f, r) => `${who} stopped invoice payment for ${r.subject()}.`,
  'invoice.paid': (who, facts, r) => r.text('by') === 'transfer'
    ? `${who} marked ${r.invoice()}${r.host(' of')} as paid by bank transfer.`
    : facts.actor === 'stripe' ? `Stripe confirmed the card payment of ${r.invoice()}.` : `${capitalised(r.invoice())} was paid by card.`,
  'invoice.void': (who, _f, r) => `${who} voided ${r.invoice()}${r.host(' of')}${r.text('reason') ? `: ${r.text('reason')}` : ''}.`,
  'card-charge.refunded': (who, _f, r) => `${who} refunded a card charge to ${r.subject()}${r.text('reason') ? `: ${r.text('reason')}` : ''}.`,
  'coupon.created': (who, _f, r) => `${who} created the coupon ${r.text('code') ?? ''}.`,
  'coupon.expired': (who, _f, r) => `${who} expired the coupon ${r.text('code') ?? ''}.`,
  'coupon.applied': (who, _f, r) => `${who} applied the coupon ${r.text('code') ?? ''} to their account.`,
  'subscription.started': (who, _f, r) => `${who} started billing${r.host('')}${r.plan()}.`,
  'synapse.rollout': (who, _f, r) => `${who} started rolling out Synapse ${r.text('release') ?? ''} to ${count(r.number('hosts') ?? 0, 'host')}${r.text('canary') ? `, ${r.text('canary')} first` : ''}${r.number('batchSize') ? `, ${r.number('batchSize')} at a time` : ''}${r.flag('urgent') ? ', as urgent' : ''}.`,
  'import-upload.create': (who) => `${who} started uploading a host to import.`,
  'host.created': (who, _f, r) => `${who} bought${r.host('')}${r.plan()}.`,
  'host.import': (who, _f, r) => `${who} imported${r.host('')}${r.text('account') ? ` for ${r.text('account')}` : ''}${r.text('billing') === 'none' ? ', free of charge' : ''}.`,
  'host.imported': (who, _f, r) => `${who} finished importing${r.host('')}.`,
  'host.import-failed': (who, _f, r) => `${who} could not import${r.host('')}.`,
  'host.cancel': (who, _f, r) => `${who} cancelled${r.host('')}.`,
  'host.cancelled': (who, _f, r) => `${who} finished removing${r.host('')}.`,
  'host.complimentary': (who, _f, r) => `${who} keeps${r.host('')} free of charge${r.text('reason') ? ` (${r.text('reason')})` : ''}.`,
  'host.billing-failed': (who, _f, r) => `${who} could not start billing${r.host('')}${r.text('reason') ? `: ${r.text('reason')}` : ''}.`,
  'host.admin-access-restored': (who, _f, r) => `${who} restored its admin access to${r.host('')}.`,
  'host.federation': (who, _f, r) => `${who} changed federation of${r.host('')} from ${federationWords[r.text('from') ?? ''] ?? r.text('from') ?? '?'} to ${federationWords[r.text('to') ?? ''] ?? r.text('to') ?? '?'}.`,
  'host.user.add': (who, _f, r) => `${who} added ${r.text('userId') ?? 'a user'}${r.flag('admin') ? ' as a server admin' : ''}${r.host(' on')}.`,
  'host.user.admin-granted': (who, _f, r) => `${who} made ${r.text('userId') ?? 'a user'} a server admin${r.host(' of')}.`,
  'host.user.admin-revoked': (who, _f, r) => `${who} took the server admin rights of ${r.text('userId') ?? 'a user'}${r.host(' on')}.`,
  'host.user.password-reset': (who, _f, r) => `${who} set a new password for ${r.text('userId') ?? 'a user'}${r.host(' on')} and logged them out everywhere.`,
  'host.user.deactivate': (who, _f, r) => `${who} deactivated ${r.text('userId') ?? 'a user'}${r.host(' on')}${r.flag('erase') ? ' and erased their messages' : ''}.`,
  'host.client-domain': (who, _f, r) => {
    const from = r.text('from');
    const to = r.text('to');
    if (!to) return `${who} removed the client domain ${from ?? ''}${r.host(' of')}.`;
    return from ? `${who} moved the client domain${r.host(' of')} from ${from} to ${to}.` : `${who} gave${r.host('')} the client domain ${to}.`;
  },
  'host.previous-client-domain': (who, _f, r) => `${who} ${r.flag('moved') ? 'sends visitors of' : 'serves again'} the earlier client domain ${r.text('domain') ?? ''}${r.host(' of')}${r.flag('moved') ? ' to the new one' : ''}.`,
  'host.maintenance-window': (who, _f, r) => `${who} set the maintenance window${r.host(' of')} to start at ${String(r.number('startHour') ?? 0).padStart(2, '0')}:00 UTC.`,
  'host.rebuild': (who, _f, r) => `${who} rebuilt${r.host('')}.`,
  'host.backup': (who, _f, r) => `${who} backed up${r.host('')}.`,
  'host.restore': (who, _f, r) => `${who} restored${r.host('')} from a backup.`,
  'host.clone': (who, _f, r) => `${who} restored a backup of ${r.text('from') ?? 'a host'} into the new staging host ${r.text('label') ?? ''}.`,
  'host.clone-failed': (who, _f, r) => `Restoring into the new staging host ${r.text('label') ?? ''} failed; ${who} removed what it had made.`,
  'host.calls': (who, _f, r) => `${who} switched calls ${r.flag('enabled') ? 'on' : 'off'}${r.host(' for')}.`,
  'host.export': (who, _f, r) => `${who} exported${r.host('')}${r.flag('encrypted') ? ', encrypted' : ''}.`,
  'host.look-and-feel': (who, _f, r) => `${who} changed the look and feel${r.host(' of')}.`,
  'host.seats': (who, _f, r) => `${who} changed the seats${r.host(' of')} from ${r.number('from') ?? '?'} to ${r.number('to') ?? '?'}.`,
  'host.support-contact': (who, _f, r) => (r.text('email') ? `${who} set the support contact${r.host(' of')} to ${r.text('email')}.` : `${who} removed the support contact${r.host(' of')}.`),
  'host.registration-token.create': (who, _f, r) => `${who} created the registration token ${r.text('token') ?? ''}${r.host(' for')}${r.number('usesAllowed') ? `, for ${count(r.number('usesAllowed') ?? 0, 'use')}` : ''}.`,
  'host.registration-token.update': (who, _f, r) => `${who} changed the registration token ${r.text('token') ?? ''}${r.host(' of')}.`,
  'host.registration-token.revoke': (who, _f, r) => `${who} revoked the registration token ${r.text('token') ?? ''}${r.host(' of')}.`,
  'host.sso-provider-added': (who, _f, r) => `${who} added the sign-on provider ${r.text('provider') ?? ''}${r.text('issuer') ? ` (${r.text('issuer')})` : ''}${r.host(' to')}.`,
  'host.sso-provider-changed': (who, _f, r) => `${who} changed the sign-on provider ${r.text('provider') ?? ''}${r.host(' of')}${r.flag('secretChanged') ? ', with a new client secret' : ''}.`,
  'host.sso-provider-removed': (who, _f, r) => `${who} removed the sign-on provider ${r.text('provider') ?? ''}${r.host(' from')}.`,
  'host.password-login': (who, _f, r) => `${who} turned password login ${r.flag('passwordLogin') ? 'on' : 'off'}${r.host(' for')}.`,
  'host.sso-user-linked': (who, _f, r) => `${who} linked ${r.text('userId') ?? 'a user'}${r.host(' on')} to their account at ${r.text('provider') ?? 'the sign-on provider'}.`,
};

/** One entry as a sentence; an action without a template says what happened in words, without its details. */
export function auditSentence(facts: AuditFacts): string {
  const who = facts.actorEmail ?? actorWords[facts.actor] ?? capitalised(words(facts.actor));
  const read = reader(facts);
  const sentence = sentences[facts.action];
  if (sentence) return tidy(sentence(who, facts, read));
  return tidy(`${who}: ${words(facts.action)}${read.host(' on')}.`);
}

/** Whether the log has a sentence of its own for this action (the rest fall back to the action's words). */
export function hasAuditSentence(action: string): boolean {
  return action in sentences;
}

interface Reader {
  text(key: string): string | undefined;
  number(key: string): number | undefined;
  flag(key: string): boolean;
  list(key: string): string | undefined;
  /** ' on chat.example.org', or ' on the host "label"', or '' when the entry names no host. */
  host(preposition: string): string;
  subject(): string;
  invoice(): string;
  plan(): string;
}

function reader(facts: AuditFacts): Reader {
  const details = facts.details;
  const text = (key: string) => {
    const value = details[key];
    return typeof value === 'string' && value.trim() !== '' ? oneLine(value) : typeof value === 'number' ? String(value) : undefined;
  };
  const number = (key: string) => (typeof details[key] === 'number' && Number.isFinite(details[key]) ? details[key] : undefined);
  const read: Reader = {
    text,
    number,
    flag: (key) => details[key] === true,
    list: (key) => {
      const value = details[key];
      return Array.isArray(value) && value.length > 0 ? value.filter((item) => typeof item === 'string').map((item) => words(item).toLowerCase()).join(', ') : undefined;
    },
    host: (preposition) => {
      const name = facts.hostName ?? (text('serverName') ? text('serverName') : text('label') ? `the host “${text('label')}”` : undefined);
      return name ? `${preposition} ${name}` : preposition ? '' : ' a host';
    },
    subject: () => facts.subjectEmail ?? text('email') ?? text('account') ?? 'an account',
    invoice: () => (text('number') ? `invoice ${text('number')}` : 'an invoice'),
    plan: () => {
      const parts = [text('size') ? `size ${text('size')}` : undefined, number('seats') !== undefined ? count(number('seats') ?? 0, 'seat') : undefined, text('invoice') ? `invoice ${text('invoice')}` : undefined].filter(Boolean);
      return parts.length > 0 ? ` (${parts.join(', ')})` : '';
    },
  };
  return read;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** 'host.user.admin-granted' → 'host user admin granted'; 'companyName' → 'company name'. */
function words(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[._-]+/g, ' ').toLowerCase().trim();
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A value an attacker chose (a label, a display name) cannot break the sentence across lines. */
function oneLine(value: string): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

function tidy(sentence: string): string {
  return sentence.replace(/ {2,}/g, ' ').replace(/ ([.,:)])/g, '$1');
}
