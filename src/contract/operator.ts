// What the operator console reads: accounts, hosts of every customer, the machine's capacity, captured mail, audit log entries.
import { Type } from 'typebox';
import { HostStatus } from './hosts.ts';
import { Job, JobSummary } from './jobs.ts';
import { Nullable } from './nullable.ts';

export const OperatorAccount = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Type.String(),
  companyName: Type.Union([Type.String(), Type.Null()]),
  isOperator: Type.Boolean(),
  emailVerified: Type.Boolean(),
  twoFactorEnabled: Type.Boolean(),
  suspendedAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  invoicePaymentEnabled: Type.Boolean(),
  hosts: Type.Array(Type.String(), { description: "Server names of the account's hosts that are not cancelled" }),
  vatId: Type.Union([Type.String(), Type.Null()]),
  viesCheck: Type.Union([Type.Object({
    vatId: Type.String(),
    current: Type.Boolean({ description: 'Whether this check is of the VAT ID the account has now' }),
    checkedAt: Type.String({ format: 'date-time' }),
    requestDate: Type.Union([Type.String(), Type.Null()]),
    requestIdentifier: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
    address: Type.Union([Type.String(), Type.Null()]),
  }, { description: "The last successful VIES check of the account's VAT ID: the evidence for reverse charge" }), Type.Null()]),
});

export const OperatorHost = Type.Object({
  id: Type.String({ format: 'uuid' }),
  label: Type.String(),
  serverName: Type.String(),
  status: HostStatus,
  size: Type.String(),
  seats: Type.Integer(),
  accountId: Type.String({ format: 'uuid' }),
  accountEmail: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

const HostNames = {
  hostName: Type.Union([Type.String(), Type.Null()], { description: "The host's server name" }),
  accountEmail: Type.Union([Type.String(), Type.Null()], { description: "The host's customer" }),
};

export const OperatorJobSummary = Type.Object({ ...JobSummary.properties, ...HostNames });
export const OperatorJob = Type.Object({ ...Job.properties, ...HostNames });

export const Mail = Type.Object({ id: Type.Integer(), at: Type.String({ format: 'date-time' }), to: Type.String(), subject: Type.String(), text: Type.String(), attachments: Type.Array(Type.String(), { description: 'Names of the files sent with the mail' }) });

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String(),
  actorAccountId: Type.Union([Type.String(), Type.Null()]),
  actorEmail: Type.Union([Type.String(), Type.Null()], { description: "The acting account's email, when an account acted" }),
  action: Type.String(),
  hostId: Type.Union([Type.String(), Type.Null()]),
  hostName: Type.Union([Type.String(), Type.Null()], { description: "The host's server name, when the entry is about a host" }),
  details: Type.Record(Type.String(), Type.Unknown()),
  sentence: Type.String({ description: 'The entry in words, with emails and server names; never a secret' }),
});

export const Capacity = Type.Object({
  hostsByStatus: Type.Record(Type.String(), Type.Integer(), { description: 'Hosts per status (every status that has hosts)' }),
  hosts: Type.Array(Type.Object({
    id: Type.String({ format: 'uuid' }),
    label: Type.String(),
    status: HostStatus,
    memoryBytes: Type.Integer({ description: "Resident memory of the process serving the host; 0 when none runs" }),
    databaseConnections: Type.Integer({ description: "Connections to the host's database now (pg_stat_activity)" }),
    process: Type.Union([Type.String(), Type.Null()], { description: 'The shared Synapse process serving the host (memoryBytes is then an equal share of it); null: a process of its own or none' }),
  }), { description: 'Every host that is not cancelled' }),
  processes: Type.Array(Type.Object({
    name: Type.String(),
    memoryBytes: Type.Integer({ description: 'Resident memory of the process; 0 when it does not run' }),
    databaseConnections: Type.Integer({ description: "Connections to its hosts' databases now" }),
    hosts: Type.Array(Type.String(), { description: 'Labels of the hosts placed in it' }),
  }), { description: 'Shared Synapse processes, each serving several hosts' }),
  memory: Type.Object({ totalBytes: Type.Integer(), availableBytes: Type.Integer() }),
  databaseConnections: Type.Object({
    max: Type.Integer({ description: "PostgreSQL's max_connections" }),
    reserved: Type.Integer({ description: 'Reserved for superusers' }),
    used: Type.Integer({ description: 'Client connections in use, every database' }),
    free: Type.Integer(),
  }),
  limits: Type.Object({ maxHosts: Type.Integer({ description: '0: no limit by count' }), minFreeMemoryBytes: Type.Integer(), minFreeDatabaseConnections: Type.Integer() }),
  full: Type.Boolean({ description: 'New hosts and imports are refused (503) while true' }),
  fullBecause: Type.Array(Type.String()),
});
