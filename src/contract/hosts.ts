// The host resource as the API shows it, and the bodies that create and change one.
import { Type } from 'typebox';
import { labelLength } from '../domain/hostname.ts';
import { HostFederation } from './federation.ts';
import { JobSummary } from './jobs.ts';

export const CustomDns = Type.Object(
  {
    homeserverDomain: Type.String({ maxLength: 300, description: 'The Matrix server name, e.g. example.com; it can never change. Internationalised names become punycode.' }),
    clientDomain: Type.String({ maxLength: 300, description: 'Where clients reach the host, e.g. chat.example.com; a CNAME to the edge. Must differ from the homeserver domain.' }),
  },
  { additionalProperties: false },
);

export const HostStatus = Type.Union([
  Type.Literal('provisioning'), Type.Literal('running'), Type.Literal('degraded'), Type.Literal('rebuilding'),
  Type.Literal('failed'), Type.Literal('cancelling'), Type.Literal('cancelled'),
  Type.Literal('exporting'),
  // Moving to another Synapse release (snapshot, restart, health check; rolled back if it fails).
  Type.Literal('upgrading'),
  // Stopped for lack of traffic; its next request wakes it and is answered.
  Type.Literal('sleeping'),
  // Stopped and not served while a backup is restored into it; it serves again once the restore is verified.
  Type.Literal('restoring'),
]);

export const LastBackup = Type.Object({
  status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
  at: Type.String({ format: 'date-time', description: 'When the backup finished or failed' }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why the backup failed; null when it succeeded' }),
}, { description: "The host's newest finished backup (monitoring alerts on a failed one)" });

export const Host = Type.Object({
  id: Type.String({ format: 'uuid' }),
  label: Type.String(),
  serverName: Type.String({ description: 'The Matrix domain of the host; it never changes.' }),
  customDns: Type.Union([CustomDns, Type.Null()], { description: 'The customer\'s own domains, if the host was bought with custom DNS' }),
  homeserverUrl: Type.String({ description: 'The client-server API base URL, through the edge.' }),
  status: HostStatus,
  size: Type.String(),
  seats: Type.Integer({ description: 'Seats bought: monthly active users allowed' }),
  seatsUsed: Type.Union([Type.Integer(), Type.Null()], {
    description: "Monthly active users now (Homeport's own user is never one); null in lists and while the host does not run",
  }),
  seatsWarning: Type.Union([Type.String(), Type.Null()], { description: 'Set from 90 % of the seats in use, and at the limit' }),
  supportEmail: Type.Union([Type.String(), Type.Null()]),
  synapseVersion: Type.Union([Type.String(), Type.Null()]),
  clientDomain: Type.Union([Type.String(), Type.Null()], {
    description: "The customer's own client domain, chosen at purchase (custom DNS) or added later; null: clients use the host's name on this installation. The server name never changes with it.",
  }),
  clientDomainCnameTarget: Type.String({ description: "Where a client domain's CNAME record must point before it is added" }),
  edgeProblem: Type.Union([Type.String(), Type.Null()], { description: 'Why the edge does not serve the host now (e.g. one of its names is served by another host); null when it does.' }),
  federation: HostFederation,
  callsOffered: Type.Boolean({ description: 'Whether this installation offers calls (HOMEPORT_CALLS): without them the panel shows no Calls section' }),
  lastBackup: Type.Union([LastBackup, Type.Null()], { description: 'Null before the first backup finished' }),
  clonedFromHostId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
    description: "A staging clone: the host whose backup it was restored into; it keeps that host's server name, is served only at its own label's address, and never federates",
  }),
  stagingCloneOf: Type.Union([Type.String(), Type.Null()], {
    description: "A staging clone: the label of the host it belongs to. Part of that host's subscription (not billed), no scheduled backups (a manual one may be taken), no seat alerts of its own, and cancelled together with that host",
  }),
  createdAt: Type.String({ format: 'date-time' }),
});

export const HostWithJob = Type.Object({ host: Host, job: JobSummary });

export const CancellationTerms = Type.Object({
  kind: Type.Union([Type.Literal('free'), Type.Literal('period-owed'), Type.Literal('not-billed')], {
    description: 'free: bought less than a day ago, its invoices are voided and card payments refunded; period-owed: the invoiced month stays due, nothing more is invoiced; not-billed: no subscription',
  }),
  text: Type.String({ description: 'What cancelling now does to the money, as the panel and CLI show it before the confirmation' }),
  clones: Type.Array(Type.String(), { description: 'The labels of the staging clones cancelled with the host' }),
  clonesText: Type.Union([Type.String(), Type.Null()], { description: 'What happens to those clones, in words; null without clones' }),
});

export const CancelledHost = Type.Object({
  host: Host, job: JobSummary,
  billing: Type.String({ description: 'What the cancellation did to the money (invoices voided, what stays due)' }),
  clones: Type.Array(Type.Object({ label: Type.String(), job: JobSummary }), { description: 'The staging clones cancelled with the host (they are part of it)' }),
});

export const CreateHostBody = Type.Object(
  {
    label: Type.String({ maxLength: 200, description: `${labelLength.min}-${labelLength.max} lowercase letters, digits and hyphens` }),
    size: Type.String({ maxLength: 100 }),
    seats: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    customDns: Type.Optional(CustomDns),
    paymentMethod: Type.Optional(Type.Union([Type.Literal('card'), Type.Literal('invoice')], { description: 'Pay by the saved card or by invoice (when enabled); default: the card if there is one' })),
  },
  { additionalProperties: false },
);

export const UpdateHostBody = Type.Object(
  {
    seats: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'May only increase' })),
    supportEmail: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()], { description: 'Trust & Safety contact, published in /.well-known/matrix/support' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CancelHostBody = Type.Object(
  { confirm: Type.String({ maxLength: 200, description: 'The host label, typed again to confirm' }) },
  { additionalProperties: false },
);

export const HostParams = Type.Object({ id: Type.String({ maxLength: 100, description: 'Host id or label' }) });
