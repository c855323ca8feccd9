// Kysely's view of Homeport's tables: one interface per table, matching the migrations.
import type { ColumnType, Generated, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type HostStatus = 'provisioning' | 'running' | 'degraded' | 'rebuilding' | 'failed' | 'cancelling' | 'cancelled';
export type JobKind = 'build' | 'rebuild' | 'cancel';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type StepStatus = 'pending' | 'running' | 'done' | 'failed';

export interface AccountsTable {
  id: Generated<string>;
  email: string;
  name: string;
  is_operator: Generated<boolean>;
  created_at: CreatedAt;
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
  http_port: number | null;
  metrics_port: number | null;
  database_name: string;
  synapse_version: string | null;
  created_at: CreatedAt;
  updated_at: Generated<Timestamp>;
  cancelled_at: Timestamp | null;
}

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

export interface Database {
  accounts: AccountsTable;
  api_tokens: ApiTokensTable;
  hosts: HostsTable;
  host_secrets: HostSecretsTable;
  jobs: JobsTable;
  job_steps: JobStepsTable;
  job_logs: JobLogsTable;
  audit_log: AuditLogTable;
}

export type Account = Selectable<AccountsTable>;
export type HostRow = Selectable<HostsTable>;
export type JobRow = Selectable<JobsTable>;
export type JobStepRow = Selectable<JobStepsTable>;
export type JobLogRow = Selectable<JobLogsTable>;
