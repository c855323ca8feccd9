// The shapes of the API's answers the panel reads (see /api/v1/openapi.json).

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

export type HostStatus = 'provisioning' | 'running' | 'degraded' | 'rebuilding' | 'failed' | 'cancelling' | 'cancelled' | 'exporting';

export interface Host {
  id: string;
  label: string;
  serverName: string;
  customDns: CustomDns | null;
  homeserverUrl: string;
  status: HostStatus;
  size: string;
  seats: number;
  supportEmail: string | null;
  synapseVersion: string | null;
  createdAt: string;
}

export interface Size {
  name: string;
  title: string;
  pricePerSeatMinor: number;
  currency: string;
  minSeats: number;
  maxSeats: number;
  maxUploadSize: string;
}

export interface Availability {
  label: string;
  hostname: string;
  available: boolean;
  reason?: string;
  detail?: string;
}

export interface JobSummary {
  id: string;
  hostId: string;
  kind: 'build' | 'rebuild' | 'cancel' | 'export' | 'import';
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  error: string | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Job extends JobSummary {
  progress: number;
  steps: { name: string; status: 'pending' | 'running' | 'done' | 'failed'; startedAt: string | null; finishedAt: string | null }[];
  logs: { id: number; at: string; level: string; message: string }[];
}

export interface HostUser {
  userId: string;
  displayName: string | null;
  admin: boolean;
  deactivated: boolean;
  erased: boolean;
  locked: boolean;
  createdAt: string | null;
  lastSeenAt: string | null;
}

export interface RegistrationToken {
  token: string;
  usesAllowed: number | null;
  pending: number;
  completed: number;
  expiresAt: string | null;
  usable: boolean;
}

export interface ApiToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface Terms {
  version: string;
  text: string;
  publishedAt: string;
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

export interface CustomDns {
  homeserverDomain: string;
  clientDomain: string;
}

export interface Finding {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  fix: string;
}

export interface DelegationCheck {
  checkedAt: string;
  passed: boolean;
  findings: Finding[];
}

export interface WellKnownFile {
  url: string;
  path: string;
  body: string;
}

export interface Delegation {
  client: WellKnownFile;
  server: WellKnownFile;
  cname: { name: string; type: 'CNAME'; target: string; zoneLine: string };
  snippets: { nginx: string; caddy: string; staticHosting: { files: { path: string; body: string }[]; headers: Record<string, string>; notes: string } };
  lastCheck: DelegationCheck | null;
}

export interface PreviousClientDomain {
  domain: string;
  moved: boolean;
  replacedAt: string;
  movedAt: string | null;
}

export interface LookAndFeel {
  brand: string | null;
  homeUrl: string | null;
  welcomeUrl: string | null;
  logoUrl: string | null;
  welcomeBackgroundUrl: string | null;
  clientUrl: string;
  updatedAt: string | null;
}

export interface LookAndFeelFinding extends Finding {
  field: string;
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
