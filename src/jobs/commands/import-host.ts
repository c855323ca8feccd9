// The operator's import of a host from a folder on this machine: everything that could make it
// fail is checked first (files, checksums, passphrase, signing key, Synapse version, server
// name, disk); only then are the host, its imported secrets, the import and its job recorded, in
// one transaction.
import { mkdtemp, rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { checkCustomDns } from '../../domain/custom-dns.ts';
import { HomeportError } from '../../domain/errors.ts';
import { explainLabelProblem, hostnameFor, labelProblem } from '../../domain/hostname.ts';
import { checkSeatsForSize } from '../../domain/seats.ts';
import { findAccountByEmail } from '../../store/accounts.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { insertImport } from '../../store/imports.ts';
import { useImportUpload } from '../../store/import-uploads.ts';
import { storeHostSecrets } from '../../store/host-secrets.ts';
import { assertNamesFree } from '../../store/host-names.ts';
import { insertHost, setHostFederation } from '../../store/hosts.ts';
import { createJob } from '../../store/jobs.ts';
import type { HostRow, ImportBilling, ImportRow, JobRow } from '../../store/schema.ts';
import { requireSeller } from '../../billing/seller.ts';
import { hostJobs } from '../host-jobs.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { assertDiskRoom, inspectImportSource, type ImportSource } from '../portability/import-source.ts';
import { importSecretPurpose } from '../portability/import-steps.ts';
import { databaseNameFor, findSize } from './create-host.ts';
import { importUploadSource } from '../portability/import-uploads.ts';
import { assertRoomForHost } from './machine-capacity.ts';

export interface ImportHostInput {
  /** An absolute path of a folder on the Homeport machine; or `upload`. */
  from?: string;
  /** An import upload (POST /api/v1/operator/import-uploads) holding the files; or `from`. */
  upload?: string;
  label: string;
  accountEmail: string;
  size: string;
  seats: number;
  passphrase?: string;
  /** A user of the imported server whose login proves the import worked. */
  verifyUser: string;
  verifyPassword: string;
  /** Needed when the server name is not `<label>.<base domain>`: where clients reach the host. */
  clientDomain?: string;
  /** subscription (default): the account is billed for the host once the import succeeds; none: complimentary. */
  billing?: ImportBilling;
}

async function inspect(context: HomeportContext, input: ImportHostInput, dir: string): Promise<ImportSource> {
  const scratch = await mkdtemp(join(context.config.workDir, 'import-check-'));
  try {
    const log = context.logger.child({ component: 'import-check', dir });
    return await inspectImportSource({
      dir, passphrase: input.passphrase, tooling: context.synapseTooling, scratchDir: scratch, progress: (step) => log.debug(step),
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function customDnsFor(context: HomeportContext, input: ImportHostInput, serverName: string): { homeserverDomain: string; clientDomain: string } | undefined {
  if (serverName === hostnameFor(input.label, context.config.baseDomain)) return undefined;
  if (!input.clientDomain) {
    throw new HomeportError('custom-dns-invalid', 'Client domain needed',
      `The server name ${serverName} is not ${hostnameFor(input.label, context.config.baseDomain)}: give the client domain where its clients will reach it (clientDomain), or choose the label that matches.`);
  }
  const checked = checkCustomDns({ homeserverDomain: serverName, clientDomain: input.clientDomain }, context.config.baseDomain);
  if ('customDns' in checked) return checked.customDns;
  throw new HomeportError('custom-dns-invalid', 'Invalid custom DNS', checked.problems.map((problem) => problem.message).join(' '));
}

export async function importHost(context: HomeportContext, operatorId: string, input: ImportHostInput): Promise<{ host: HostRow; job: JobRow; import: ImportRow }> {
  if ((input.from === undefined) === (input.upload === undefined)) {
    throw new HomeportError('invalid-input', 'Source needed', 'Give exactly one of `from` (a folder on the Homeport machine) and `upload` (an import upload id).');
  }
  if (input.from !== undefined && !isAbsolute(input.from)) throw new HomeportError('invalid-input', 'Absolute path needed', `"${input.from}" must be an absolute path on the Homeport machine.`);
  const problem = labelProblem(input.label);
  if (problem) throw new HomeportError('hostname-invalid', 'Invalid hostname', explainLabelProblem(input.label, problem), { reason: problem });
  const size = findSize(context.sizes, input.size);
  checkSeatsForSize(size, input.seats);
  await assertRoomForHost(context, size);
  context.logger.debug({ component: 'import-check', label: input.label }, 'the machine has room');
  const account = await findAccountByEmail(context.db, input.accountEmail);
  if (!account) throw new HomeportError('not-found', 'No such account', `There is no account with the email ${input.accountEmail}.`);
  // A billed import issues an invoice when it succeeds: refused now, not after the host is built.
  if ((input.billing ?? 'subscription') === 'subscription') await requireSeller(context.db);
  const dir = input.upload !== undefined ? await importUploadSource(context, input.upload) : input.from!;
  const source = await inspect(context, input, dir);
  const { serverName } = source.plan;
  const taken = await context.db.selectFrom('hosts').select('label').where('server_name', '=', serverName).where('status', '<>', 'cancelled')
    .where('cloned_from_host_id', 'is', null).executeTakeFirst();
  if (taken) throw new HomeportError('domain-taken', 'Server name taken', `Host ${taken.label} already serves ${serverName}; a server name can only be served once.`);
  const customDns = customDnsFor(context, input, serverName);
  if (customDns) await assertNamesFree(context.db, customDns);
  await assertDiskRoom(context.config.workDir, source.plan.requiredBytes, context.config.importDiskReserveMb);
  return context.db.transaction().execute(async (trx) => {
    const inserted = await insertHost(trx, {
      accountId: account.id, label: input.label, serverName, size: size.name, seats: input.seats, databaseName: databaseNameFor(input.label), customDns,
    });
    // The server keeps federating with whom it did before (open, private federation, or not at all).
    const host = await setHostFederation(trx, inserted.id, source.plan.federation);
    await storeHostSecrets(trx, context.box, host.id, source.secrets);
    const job = await createJob(trx, host.id, 'import', hostJobs.import.steps.map((step) => step.name));
    const importId = crypto.randomUUID();
    const row = await insertImport(trx, {
      id: importId,
      hostId: host.id,
      jobId: job.id,
      sourceDir: dir,
      sourceKind: source.plan.kind,
      plan: source.plan as unknown as Record<string, unknown>,
      passphraseSealed: input.passphrase ? context.box.seal(importSecretPurpose(importId, 'passphrase'), input.passphrase) : null,
      verifyUser: input.verifyUser,
      verifyPasswordSealed: context.box.seal(importSecretPurpose(importId, 'verify-password'), input.verifyPassword),
      billing: input.billing,
    });
    if (input.upload !== undefined && !(await useImportUpload(trx, input.upload, importId))) {
      throw new HomeportError('upload-closed', 'Upload already imported', `Upload ${input.upload} is used by another import; start a new upload.`);
    }
    await recordAudit(trx, {
      actorAccountId: operatorId, actor: 'operator', action: 'host.import', hostId: host.id,
      details: { label: host.label, serverName, from: dir, upload: input.upload ?? null, kind: source.plan.kind, account: account.email, billing: row.billing },
    });
    return { host, job, import: row };
  });
}
