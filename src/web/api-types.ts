// The shapes of the API's answers the panel reads (see /api/v1/openapi.json): taken from the
// API's own schemas in src/contract where they live there, types only (nothing of it is bundled).
import type { Static } from 'typebox';
import type * as accounts from '../contract/accounts.ts';
import type * as apiTokens from '../contract/api-tokens.ts';
import type * as billing from '../contract/billing.ts';
import type * as catalogue from '../contract/catalogue.ts';
import type * as delegation from '../contract/delegation.ts';
import type * as exports from '../contract/exports.ts';
import type * as hostUsers from '../contract/host-users.ts';
import type * as hosts from '../contract/hosts.ts';
import type * as jobs from '../contract/jobs.ts';
import type * as lookAndFeel from '../contract/look-and-feel.ts';
import type * as previousClientDomains from '../contract/previous-client-domains.ts';
import type * as registrationTokens from '../contract/registration-tokens.ts';
import type * as terms from '../contract/terms.ts';

export type Host = Static<typeof hosts.Host>;
export type HostStatus = Static<typeof hosts.HostStatus>;
export type CustomDns = Static<typeof hosts.CustomDns>;
export type JobSummary = Static<typeof jobs.JobSummary>;
export type Job = Static<typeof jobs.Job>;
export type HostUser = Static<typeof hostUsers.HostUser>;
export type RegistrationToken = Static<typeof registrationTokens.RegistrationToken>;
export type Delegation = Static<typeof delegation.Delegation>;
export type DelegationCheck = Static<typeof delegation.DelegationCheck>;
export type Finding = DelegationCheck['findings'][number];
export type PreviousClientDomain = Static<typeof previousClientDomains.PreviousClientDomain>;
export type LookAndFeel = Static<typeof lookAndFeel.LookAndFeelView>;
export type LookAndFeelFinding = Static<typeof lookAndFeel.LookAndFeelFindingSchema>;
export type Size = Static<typeof catalogue.Size>;
export type Availability = Static<typeof catalogue.Availability>;
export type ApiToken = Static<typeof apiTokens.TokenSummary>;
export type Terms = Static<typeof terms.Terms>;
export type BillingAddress = Static<typeof accounts.BillingAddress>;
export type Account = Static<typeof accounts.AccountView>;
export type Session = Static<typeof accounts.SessionView>;
export type ExportEstimate = Static<typeof exports.Estimate>;
export type HostExport = Static<typeof exports.Export>;
export type Billing = Static<typeof billing.Billing>;
export type PaymentMethod = Billing['paymentMethods'][number];
export type Quote = Static<typeof billing.Quote>;
export type BillingLine = Quote['lines'][number];
export type InvoiceSummary = Static<typeof billing.InvoiceSummary>;
export type Coupon = Static<typeof billing.CouponView>;

export interface OperatorAccount {
  id: string;
  email: string;
  name: string;
  companyName: string | null;
  isOperator: boolean;
  emailVerified: boolean;
  twoFactorEnabled: boolean;
  suspendedAt: string | null;
  createdAt: string;
  invoicePaymentEnabled: boolean;
  vatId: string | null;
  viesCheck: { vatId: string; current: boolean; checkedAt: string; requestDate: string | null; requestIdentifier: string | null; name: string | null; address: string | null } | null;
}

export interface OperatorHost {
  id: string;
  label: string;
  serverName: string;
  status: string;
  size: string;
  seats: number;
  accountId: string;
  accountEmail: string;
  createdAt: string;
}

export interface CapturedMail {
  id: number;
  at: string;
  to: string;
  subject: string;
  text: string;
  attachments: string[];
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  actorAccountId: string | null;
  action: string;
  hostId: string | null;
  details: Record<string, unknown>;
}

