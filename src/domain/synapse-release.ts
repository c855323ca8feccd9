// Synapse releases as Homeport names them (`1.163.2`), and the customer's maintenance window.
export { compareVersions as compareReleases } from './export-document.ts';

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
