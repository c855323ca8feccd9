// A host's maintenance window in the words the panel and the CLI both show a customer.

/** "03:00–05:00 UTC" for a window of `hours` from `startHour` (UTC), across midnight too. */
export function maintenanceWindowWords(startHour: number, hours: number): string {
  const at = (hour: number) => `${String(hour % 24).padStart(2, '0')}:00`;
  return `${at(startHour)}–${at(startHour + hours)} UTC`;
}

/** What the customer's choice means, after saving it or when asked. */
export function maintenanceWindowSentence(startHour: number | null, hours: number): string {
  return startHour === null
    ? 'Upgrades may restart your server at any time.'
    : `Upgrades restart your server only between ${maintenanceWindowWords(startHour, hours)}.`;
}
