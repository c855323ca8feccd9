// The shapes of the API's answers the panel reads (see /api/v1/openapi.json): taken from the
// API's own schemas in src/contract where they live there, types only (nothing of it is bundled).
import type { Static } from 'typebox';
import type * as apiTokens from '../contract/api-tokens.ts';
import type * as catalogue from '../contract/catalogue.ts';
import type * as delegation from '../contract/delegation.ts';
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

export interface BillingAddress {
  line1: string;
  line2: string | null;
  postalCode: string;
  city: string;
  country: string;
}

export interface Account {
  id: string;
  email: string;
  name: string;
  companyName: string | null;
  vatId: string | null;
  billingAddress: BillingAddress | null;
  emailVerified: boolean;
  isOperator: boolean;
  twoFactorEnabled: boolean;
  unusedRecoveryCodes: number;
  requiredAction: 'password-change' | 'two-factor-enrolment' | null;
  terms: { currentVersion: string | null; accepted: boolean };
  purchaseBlockers: { code: string; detail: string }[];
  createdAt: string;
}

export interface Session {
  account: Account;
  authenticatedBy: 'session' | 'token';
  csrfToken: string | null;
}

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

export interface ExportEstimate {
  databaseBytes: number;
  mediaBytes: number;
  dumpBytesPerSecond: number;
  archiveBytesPerSecond: number;
  downtimeSeconds: number;
}

export interface HostExport {
  id: string;
  hostId: string;
  jobId: string;
  status: 'running' | 'ready' | 'failed' | 'deleted';
  encrypted: boolean;
  estimatedDowntimeSeconds: number | null;
  createdAt: string;
  readyAt: string | null;
  expiresAt: string | null;
  files: { name: string; size: number; sha256: string; url: string }[];
}

export type PaymentMethod = 'card' | 'invoice';

export interface Billing {
  currency: string;
  cardPayment: { available: boolean; publishableKey: string | null };
  notice: string | null;
  invoicePaymentEnabled: boolean;
  card: { brand: string; last4: string; expiry: string } | null;
  paymentMethods: PaymentMethod[];
  coupon: { code: string; description: string } | null;
  couponAllowed: boolean;
  tax: { ratePercent: number; reverseCharge: boolean; note: string | null };
  subscriptions: { hostId: string; label: string; size: string; seats: number; status: string; paymentMethod: PaymentMethod; currentPeriodEnd: string; cancelAt: string | null; monthlyMinor: number }[];
}

export interface BillingLine {
  description: string;
  size: string;
  seats: number;
  unitPriceMinor: number;
  amountMinor: number;
  discountMinor: number;
}

export interface Quote {
  currency: string;
  paymentMethod: PaymentMethod | null;
  lines: BillingLine[];
  subtotalMinor: number;
  discountMinor: number;
  netMinor: number;
  taxRatePercent: number;
  taxMinor: number;
  totalMinor: number;
  reverseCharge: boolean;
  taxNote: string | null;
  couponCode: string | null;
}

export interface InvoiceSummary {
  id: string;
  number: string;
  kind: string;
  issuedAt: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  paymentMethod: PaymentMethod;
  status: 'open' | 'paid';
  paidAt: string | null;
  paymentError: string | null;
  subtotalMinor: number;
  discountMinor: number;
  taxRatePercent: number;
  taxMinor: number;
  totalMinor: number;
  reverseCharge: boolean;
  taxNote: string | null;
  couponCode: string | null;
  accountEmail?: string;
}

export interface Coupon {
  id: string;
  code: string;
  description: string;
  percentOff: number | null;
  amountOffMinor: number | null;
  duration: 'once' | 'months' | 'forever';
  durationMonths: number | null;
  sizes: string[];
  expiresAt: string | null;
  maxRedemptions: number | null;
  redemptions: number;
  createdAt: string;
}
