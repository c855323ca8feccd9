// Every migration, in order; forward only. A new migration is a new dated file added here.
import type { Migration } from 'kysely/migration';
import * as core from './2026_11_28_001_core.ts';
import * as accounts from './2026_11_28_002_accounts.ts';
import * as customDns from './2026_12_01_003_custom_dns.ts';
import * as requestCounts from './2026_12_05_007_request_counts.ts';
import * as lookAndFeel from './2026_12_06_008_look_and_feel.ts';
import * as exports from './2026_12_06_009_exports.ts';
import * as billing from './2026_12_06_010_billing.ts';
import * as billingViesPdf from './2026_12_07_011_billing_vies_pdf.ts';
import * as importUploads from './2026_12_07_012_import_uploads.ts';
import * as hostNames from './2026_12_08_013_host_names.ts';
import * as hostFederation from './2026_12_08_016_host_federation.ts';
import * as federationChecks from './2026_12_08_017_federation_checks.ts';
import * as leases from './2026_12_09_021_leases.ts';
import * as seller from './2026_12_09_023_seller.ts';
import * as synapseUpgrades from './2026_12_10_027_synapse_upgrades.ts';
import * as backups from './2026_12_10_028_backups.ts';
import * as monitoring from './2026_12_10_030_monitoring.ts';
import * as hostSignOn from './2026_12_10_031_host_sign_on.ts';
import * as localHostPorts from './2026_12_12_042_local_host_ports.ts';
import * as hostClones from './2026_12_12_044_host_clones.ts';
import * as calls from './2026_12_12_046_calls.ts';
import * as upgradeSnapshots from './2026_12_13_047_upgrade_snapshots.ts';
import * as stagingCloneLabel from './2026_12_13_048_staging_clone_label.ts';

export const migrations: Record<string, Migration> = {
  '2026_11_28_001_core': core,
  '2026_11_28_002_accounts': accounts,
  '2026_12_01_003_custom_dns': customDns,
  '2026_12_05_007_request_counts': requestCounts,
  '2026_12_06_008_look_and_feel': lookAndFeel,
  '2026_12_06_009_exports': exports,
  '2026_12_06_010_billing': billing,
  '2026_12_07_011_billing_vies_pdf': billingViesPdf,
  '2026_12_07_012_import_uploads': importUploads,
  '2026_12_08_013_host_names': hostNames,
  '2026_12_08_016_host_federation': hostFederation,
  '2026_12_08_017_federation_checks': federationChecks,
  '2026_12_09_021_leases': leases,
  '2026_12_09_023_seller': seller,
  '2026_12_10_027_synapse_upgrades': synapseUpgrades,
  '2026_12_10_028_backups': backups,
  '2026_12_10_030_monitoring': monitoring,
  '2026_12_10_031_host_sign_on': hostSignOn,
  '2026_12_12_042_local_host_ports': localHostPorts,
  '2026_12_12_044_host_clones': hostClones,
  '2026_12_12_046_calls': calls,
  '2026_12_13_047_upgrade_snapshots': upgradeSnapshots,
  '2026_12_13_048_staging_clone_label': stagingCloneLabel,
};
