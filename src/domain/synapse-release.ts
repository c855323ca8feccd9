// Synapse releases as Homeport names them (`1.163.2`), and the customer's maintenance window.
import { compareVersions } from './export-document.ts';

export { compareVersions as compareReleases };

/** Only plain final releases: no pre-releases, no local versions, nothing pip would read as more than a version. */
export function isSynapseRelease(text: string): boolean {
  return /^\d{1,3}\.\d{1,4}\.\d{1,4}$/.test(text);
}

/** How long a maintenance window lasts from its first hour (UTC). */
export const maintenanceWindowHours = 2;

/** Whether `at` falls in the window starting at `startHour` (UTC); a host without a window may be upgraded any time. */
export function inMaintenanceWindow(startHour: number | null, at: Date): boolean {
  if (startHour === null) return true;
  const hour = at.getUTCHours();
  return (hour - startHour + 24) % 24 < maintenanceWindowHours;
}

/**
 * The Synapse release a host restored to a restore point runs. A snapshot taken before an upgrade
 * goes back to the release it was taken on: restoring it means "the host as it was before that
 * upgrade" (release included), and its data has not been migrated by the newer one. A backup runs
 * on the newer of the host's release and its own: Synapse migrates an older schema forward on
 * start, but refuses a schema newer than its own.
 */
export function releaseAfterRestore(point: { kind: 'backup' | 'snapshot'; synapseRelease: string | null }, hostRelease: string | null): string | null {
  if (point.synapseRelease === null) return hostRelease;
  if (point.kind === 'snapshot' || hostRelease === null) return point.synapseRelease;
  return compareVersions(point.synapseRelease, hostRelease) > 0 ? point.synapseRelease : hostRelease;
}
