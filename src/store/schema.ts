// Kysely's view of Homeport's tables: one interface per table, matching the migrations.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { FederationMode } from '../domain/federation.ts';
import type { SellerDetails } from '../domain/billing/seller.ts';
import type { UserIdSource } from '../domain/single-sign-on.ts';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type HostStatus = 'provisioning' | 'running' | 'degraded' | 'rebuilding' | 'failed' | 'cancelling' | 'cancelled' | 'exporting' | 'sleeping' | 'restoring' | 'upgrading';
export type JobKind = 'build' | 'rebuild' | 'cancel' | 'export' | 'import' | 'backup' | 'restore' | 'clone' | 'upgrade';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export interface AccountsTable {
  id: Generated<string>;
  email: string;
  name: string;
  is_operator: Generated<boolean>;
  created_at: CreatedAt;
  password_hash: string | null;
  password_change_required: Generated<boolean>;
  email_verified_at: Timestamp | null;
  suspended_at: Timestamp | null;
  company_name: string | null;
  vat_id: string | null;
  billing_line1: string | null;
  billing_line2: string | null;
  billing_postal_code: string | null;
  billing_city: string | null;
  billing_country: string | null;
  totp_secret_sealed: string | null;
  totp_pending_secret_sealed: string | null;
  totp_enabled_at: Timestamp | null;
  /** The last TOTP time step used to log in: a code of that step or an earlier one is a replay. */
  totp_last_step: ColumnType<string | null, string | number | null, string | number | null>;
  invoice_payment_enabled: Generated<boolean>;
  stripe_customer_id: string | null;
  card_payment_method_id: string | null;
  card_brand: string | null;
  card_last4: string | null;
  /** MM/YYYY */
  card_expiry: string | null;
  coupon_id: string | null;
  coupon_applied_at: Timestamp | null;
  first_purchase_at: Timestamp | null;
  /** The VAT ID VIES last confirmed, with the evidence of that check (null: never checked, or changed since). */
  vies_vat_id: string | null;
  vies_checked_at: Timestamp | null;
  vies_request_date: string | null;
  vies_request_identifier: string | null;
  vies_name: string | null;
  vies_address: string | null;
}

export interface SessionsTable {
  id: Generated<string>;
  account_id: string;
  token_hash: string;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

export type EmailTokenPurpose = 'verify-email' | 'reset-password';

export interface EmailTokensTable {
  id: Generated<string>;
  account_id: string;
  purpose: EmailTokenPurpose;
  token_hash: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface RecoveryCodesTable {
  id: Generated<string>;
  account_id: string;
  code_hash: string;
  used_at: Timestamp | null;
}

export interface LoginAttemptsTable {
  id: Generated<string>;
  at: CreatedAt;
  email: string;
  ip: string;
  succeeded: boolean;
}

export interface RequestCountsTable {
  key: string;
  window_start: Date;
  count: number;
}

export interface TermsVersionsTable {
  id: Generated<string>;
  version: string;
  text: string;
  published_at: CreatedAt;
  published_by: string | null;
}

export interface TermsAcceptancesTable {
  account_id: string;
  terms_version_id: string;
  accepted_at: CreatedAt;
}

export interface CapturedMailTable {
  id: Generated<string>;
  at: CreatedAt;
  recipient: string;
  subject: string;
  text: string;
  attachments: ColumnType<string[], string[] | undefined, string[]>;
}

export interface ApiTokensTable {
  id: Generated<string>;
  account_id: string;
  name: string;
  token_hash: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface HostsTable {
  id: Generated<string>;
  account_id: string;
  label: string;
  server_name: string;
  size: string;
  seats: number;
  status: HostStatus;
  support_email: string | null;
  database_name: string;
  synapse_version: string | null;
  created_at: CreatedAt;
  updated_at: Generated<Timestamp>;
  cancelled_at: Timestamp | null;
  /** Set only for hosts with custom DNS; the server name is then this domain, for good. */
  custom_homeserver_domain: string | null;
  custom_client_domain: string | null;
  /** Why the edge does not serve the host (e.g. a name another host owns); null when it does. */
  edge_problem: Generated<string | null>;
  federation_mode: ColumnType<FederationMode, FederationMode | undefined, FederationMode>;
  federation_allowed_servers: ColumnType<string[], string[] | undefined, string[]>;
  /** The Synapse release the host runs (its venv); the build sets it, a rollout changes it. */
  synapse_release: Generated<string | null>;
  /** The first hour (UTC) of the customer's preferred maintenance window; null: any time. */
  maintenance_hour: Generated<number | null>;
  /** The outcome of the host's newest finished backup, for monitoring; null before its first. */
  last_backup_status: ColumnType<BackupOutcome | null, BackupOutcome | null | undefined, BackupOutcome | null>;
  /** Whether the host's users can make calls (MatrixRTC through the installation's LiveKit). */
  calls_enabled: ColumnType<boolean, boolean | undefined, boolean>;
  last_backup_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  last_backup_error: ColumnType<string | null, string | null | undefined, string | null>;
  /** A staging clone: the host whose backup it was restored from (it keeps that host's server name, federation off). */
  cloned_from_host_id: ColumnType<string | null, string | null | undefined, string | null>;
  cloned_from_label: ColumnType<string | null, string | null | undefined, string | null>;
}

export type BackupOutcome = 'succeeded' | 'failed';
export type BackupStatus = 'running' | 'ready' | 'failed' | 'deleted';
export type BackupTrigger = 'scheduled' | 'manual' | 'before-restore' | 'before-upgrade';
/** A sealed archive in the backup store, or the snapshot an upgrade took inside the runtime. */
export type BackupKind = 'backup' | 'snapshot';

export interface BackupsTable {
  id: Generated<string>;
  host_id: string;
  job_id: string;
  trigger: BackupTrigger;
  status: Generated<BackupStatus>;
  label: string;
  server_name: string;
  bytes: ColumnType<string | null, number | null | undefined, number | null>;
  error: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  completed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  deleted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  kind: Generated<BackupKind>;
  synapse_release: ColumnType<string | null, string | null | undefined, string | null>;
  snapshot_name: ColumnType<string | null, string | null | undefined, string | null>;
  upgrade_release: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RestoresTable {
  id: Generated<string>;
  host_id: string;
  backup_id: string;
  job_id: string;
  database_reset_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  database_restored_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: CreatedAt;
}

export type RolloutStatus = 'running' | 'completed' | 'halted';
export type RolloutHostStatus = 'pending' | 'upgrading' | 'upgraded' | 'rolled_back' | 'failed' | 'skipped';

export interface SynapseRolloutsTable {
  id: Generated<string>;
  target_release: string;
  canary_host_id: string | null;
  batch_size: number;
  urgent: boolean;
  status: Generated<RolloutStatus>;
  error: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  finished_at: Timestamp | null;
}

export interface SynapseRolloutHostsTable {
  rollout_id: string;
  host_id: string;
  /** The order hosts are taken in (the canary first). */
  position: number;
  /** The batch the host was upgraded in (0: the canary); null until it starts. */
  batch: number | null;
  from_release: string;
  status: Generated<RolloutHostStatus>;
  job_id: string | null;
  downtime_ms: number | null;
  error: string | null;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface DelegationFinding {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  fix: string;
}

export interface DelegationChecksTable {
  host_id: string;
  checked_at: Timestamp;
  passed: boolean;
  findings: ColumnType<DelegationFinding[], string, string>;
}

/** The seller's details (src/domain/billing/seller.ts), one row the operator edits. */
export interface SellerTable {
  id: Generated<boolean>;
  details: ColumnType<SellerDetails, string, string>;
  updated_at: Timestamp;
  updated_by: string | null;
}

/** The same shape as a delegation check: the last federation check of a host. */
export type FederationChecksTable = DelegationChecksTable;

export interface HostSecretsTable {
  host_id: string;
  sealed: ColumnType<Record<string, string>, string, string>;
  updated_at: Generated<Timestamp>;
}

export interface JobsTable {
  id: Generated<string>;
  host_id: string;
  kind: JobKind;
  status: Generated<JobStatus>;
  error: string | null;
  attempts: Generated<number>;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface JobStepsTable {
  job_id: string;
  position: number;
  name: string;
  status: Generated<StepStatus>;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface JobLogsTable {
  id: Generated<string>;
  job_id: string;
  at: CreatedAt;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: CreatedAt;
  actor_account_id: string | null;
  actor: string;
  action: string;
  host_id: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface HostLookAndFeelTable {
  host_id: string;
  brand: string | null;
  home_url: string | null;
  welcome_url: string | null;
  logo_url: string | null;
  welcome_background_url: string | null;
  updated_at: Timestamp;
}

export interface HostSsoProvidersTable {
  host_id: string;
  provider_id: string;
  name: string;
  issuer: string;
  client_id: string;
  /** Sealed with the master key under the purpose `sso:<host id>:<provider id>`. */
  client_secret_sealed: string;
  scopes: string[];
  user_id_source: UserIdSource;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** The installation's LiveKit API key; one row. */
export interface CallsKeysTable {
  id: 'livekit';
  api_key: string;
  api_secret_sealed: string;
  created_at: Generated<Timestamp>;
}

export interface HostSignOnTable {
  host_id: string;
  password_login: boolean;
  updated_at: Timestamp;
}

export interface HostPreviousClientDomainsTable {
  host_id: string;
  domain: string;
  /** True: the domain answers every request with "server moved" (401 M_UNKNOWN_TOKEN). */
  moved: Generated<boolean>;
  replaced_at: Timestamp;
  moved_at: Timestamp | null;
}

export type HostNameKind = 'homeserver' | 'client' | 'previous';

/** A customer name the edge serves, owned by one live host (the name is the primary key). */
export interface HostNamesTable {
  name: string;
  host_id: string;
  kind: HostNameKind;
}

/** A replica's claim, renewed while it lives: see store/leases.ts. */
export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: Date;
  acquired_at: Generated<Date>;
}

export interface Database {
  accounts: AccountsTable;
  api_tokens: ApiTokensTable;
  hosts: HostsTable;
  host_secrets: HostSecretsTable;
  delegation_checks: DelegationChecksTable;
  federation_checks: FederationChecksTable;
  seller: SellerTable;
  jobs: JobsTable;
  job_steps: JobStepsTable;
  job_logs: JobLogsTable;
  audit_log: AuditLogTable;
  sessions: SessionsTable;
  email_tokens: EmailTokensTable;
  recovery_codes: RecoveryCodesTable;
  login_attempts: LoginAttemptsTable;
  request_counts: RequestCountsTable;
  terms_versions: TermsVersionsTable;
  terms_acceptances: TermsAcceptancesTable;
  captured_mail: CapturedMailTable;
  host_look_and_feel: HostLookAndFeelTable;
  host_previous_client_domains: HostPreviousClientDomainsTable;
  host_names: HostNamesTable;
  exports: ExportsTable;
  transfer_rates: TransferRatesTable;
  imports: ImportsTable;
  coupons: CouponsTable;
  subscriptions: SubscriptionsTable;
  invoice_counters: InvoiceCountersTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  card_charges: CardChargesTable;
  stripe_events: StripeEventsTable;
  import_uploads: ImportUploadsTable;
  leases: LeasesTable;
  backups: BackupsTable;
  restores: RestoresTable;
  host_health_checks: HostHealthChecksTable;
  alerts: AlertsTable;
  synapse_rollouts: SynapseRolloutsTable;
  synapse_rollout_hosts: SynapseRolloutHostsTable;
  host_sso_providers: HostSsoProvidersTable;
  host_sign_on: HostSignOnTable;
  calls_keys: CallsKeysTable;
}

/** bigint columns: pg returns strings; amounts stay far below 2^53 and are read with Number(). */
type BigMoney = ColumnType<string, number | bigint, number | bigint>;

export interface CouponsTable {
  id: Generated<string>;
  code: string;
  percent_off_bp: number | null;
  amount_off_minor: number | null;
  currency: string;
  duration: 'once' | 'months' | 'forever';
  duration_months: number | null;
  sizes: ColumnType<string[], string[] | undefined, string[]>;
  expires_at: Timestamp | null;
  max_redemptions: number | null;
  redemptions: Generated<number>;
  created_at: CreatedAt;
  created_by: string | null;
}

export type PaymentMethodKind = 'card' | 'invoice';
export type SubscriptionStatus = 'active' | 'cancelling' | 'ended';

export interface SubscriptionsTable {
  id: Generated<string>;
  account_id: string;
  host_id: string;
  size: string;
  seats: number;
  price_per_seat_minor: number;
  currency: string;
  payment_method: PaymentMethodKind;
  status: Generated<SubscriptionStatus>;
  period_index: Generated<number>;
  current_period_start: Timestamp;
  current_period_end: Timestamp;
  started_at: CreatedAt;
  cancel_at: Timestamp | null;
  ended_at: Timestamp | null;
}

export interface InvoiceCountersTable {
  year: number;
  last_sequence: number;
}

export type InvoiceKind = 'purchase' | 'renewal' | 'seats';

export interface InvoiceParty {
  name: string;
  companyName?: string | null;
  vatId?: string | null;
  address: string[];
  /** The seller only (invoices issued before 2026-12-09 have none): where to pay, and in how many days. */
  bank?: { accountHolder: string; iban: string; bic: string; bankName: string };
  paymentTermDays?: number;
}

export interface InvoicesTable {
  id: Generated<string>;
  account_id: string;
  subscription_id: string | null;
  kind: InvoiceKind;
  number: string;
  year: number;
  sequence: number;
  issued_at: CreatedAt;
  period_start: Timestamp;
  period_end: Timestamp;
  currency: string;
  payment_method: PaymentMethodKind;
  /** void: cancelled by Homeport (a build that failed for good); its card payment is refunded. */
  status: 'open' | 'paid' | 'void';
  paid_at: Timestamp | null;
  voided_at: ColumnType<Date | null, Date | undefined, Date>;
  void_reason: ColumnType<string | null, string | undefined, string>;
  payment_error: string | null;
  subtotal_minor: BigMoney;
  discount_minor: BigMoney;
  tax_rate_bp: number;
  tax_minor: BigMoney;
  total_minor: BigMoney;
  reverse_charge: boolean;
  tax_note: string | null;
  coupon_code: string | null;
  buyer: ColumnType<InvoiceParty, string, string>;
  seller: ColumnType<InvoiceParty, string, string>;
  /** When the invoice mail went out; null until then (each invoice is mailed once). */
  mailed_at: Timestamp | null;
}

export interface InvoiceLinesTable {
  invoice_id: string;
  position: number;
  description: string;
  size: string;
  seats: number;
  unit_price_minor: number;
  amount_minor: BigMoney;
  discount_minor: BigMoney;
}

export type CardChargeStatus = 'pending' | 'succeeded' | 'failed' | 'attached' | 'refunded';

export interface CardChargesTable {
  id: Generated<string>;
  account_id: string;
  purpose: 'purchase' | 'invoice';
  invoice_id: string | null;
  host_id: string | null;
  amount_minor: BigMoney;
  currency: string;
  payment_intent_id: string | null;
  status: Generated<CardChargeStatus>;
  failure: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface StripeEventsTable {
  id: string;
  type: string;
  received_at: CreatedAt;
}

export type Account = Selectable<AccountsTable>;
export type CouponRow = Selectable<CouponsTable>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type InvoiceRow = Selectable<InvoicesTable>;
export type InvoiceLineRow = Selectable<InvoiceLinesTable>;
export type CardChargeRow = Selectable<CardChargesTable>;
export type TermsVersion = Selectable<TermsVersionsTable>;
export type CapturedMail = Selectable<CapturedMailTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type HostRow = Selectable<HostsTable>;
export type SynapseRolloutRow = Selectable<SynapseRolloutsTable>;
export type SynapseRolloutHostRow = Selectable<SynapseRolloutHostsTable>;
export type DelegationCheckRow = Selectable<DelegationChecksTable>;
export type FederationCheckRow = Selectable<FederationChecksTable>;
export type JobRow = Selectable<JobsTable>;
export type JobStepRow = Selectable<JobStepsTable>;
export type JobLogRow = Selectable<JobLogsTable>;
export type HostLookAndFeelRow = Selectable<HostLookAndFeelTable>;
export type BackupRow = Selectable<BackupsTable>;
export type RestoreRow = Selectable<RestoresTable>;
export type PreviousClientDomainRow = Selectable<HostPreviousClientDomainsTable>;

export type ExportStatus = 'running' | 'ready' | 'failed' | 'deleted';

export interface ExportFile {
  name: string;
  size: number;
  sha256: string;
}

export interface ExportsTable {
  id: Generated<string>;
  host_id: string;
  job_id: string;
  status: Generated<ExportStatus>;
  encrypted: boolean;
  passphrase_sealed: string | null;
  files: ColumnType<ExportFile[], string | undefined, string>;
  database_bytes: ColumnType<string | null, number | null, number | null>;
  media_bytes: ColumnType<string | null, number | null, number | null>;
  estimated_downtime_seconds: number | null;
  created_at: CreatedAt;
  ready_at: Timestamp | null;
  expires_at: Timestamp | null;
  deleted_at: Timestamp | null;
}

export type TransferKind = 'dump' | 'archive';

export interface TransferRatesTable {
  id: Generated<string>;
  kind: TransferKind;
  bytes: ColumnType<string, number, number>;
  seconds: number;
  measured_at: CreatedAt;
}

export interface ImportsTable {
  id: Generated<string>;
  host_id: string;
  job_id: string;
  source_dir: string;
  source_kind: string;
  plan: ColumnType<Record<string, unknown>, string, string>;
  passphrase_sealed: string | null;
  verify_user: string;
  verify_password_sealed: string | null;
  database_restored_at: Timestamp | null;
  created_at: CreatedAt;
  /** subscription: the host is billed once the import succeeds; none: a complimentary host. */
  billing: Generated<ImportBilling>;
}

export type ImportBilling = 'subscription' | 'none';

export type ExportRow = Selectable<ExportsTable>;
export type ImportRow = Selectable<ImportsTable>;

export interface ImportUploadsTable {
  id: Generated<string>;
  operator_account_id: string;
  import_id: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  deleted_at: Timestamp | null;
}

export type ImportUploadRow = Selectable<ImportUploadsTable>;

/** `sleeping`: stopped on purpose until its next request, which is not "down". */
export type HealthState = 'up' | 'down' | 'sleeping';

export interface HostHealthChecksTable {
  id: Generated<string>;
  host_id: string;
  checked_at: Timestamp;
  state: HealthState;
  /** How long /health took to answer; null when it did not (down) or was not asked (sleeping). */
  response_ms: number | null;
}

export type AlertKind = 'host-down' | 'certificate-expiring' | 'disk-filling' | 'seats-near-limit' | 'backup-failed';

export interface AlertsTable {
  id: Generated<string>;
  kind: AlertKind;
  subject: string;
  host_id: string | null;
  summary: string;
  opened_at: CreatedAt;
  resolved_at: Timestamp | null;
  notified_at: Timestamp | null;
  recovery_notified_at: Timestamp | null;
}

export type AlertRow = Selectable<AlertsTable>;
export type HostHealthCheckRow = Selectable<HostHealthChecksTable>;
