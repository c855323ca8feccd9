// How often a host is backed up and how many of its backups are kept: set per size (a size's
// `backups: { everyHours, keep }`), with defaults by the built-in size's name.

export interface BackupPolicy {
  /** Hours between two scheduled backups (1 to 168). */
  everyHours: number;
  /** How many finished backups of a host are kept (1 to 365); older ones are deleted. */
  keep: number;
}

const builtInPolicies: Record<string, BackupPolicy> = {
  starter: { everyHours: 24, keep: 7 },
  business: { everyHours: 24, keep: 14 },
  enterprise: { everyHours: 12, keep: 60 },
};

/** The size's own policy, else the built-in size's of that name, else Starter's. */
export function backupPolicyFor(size: { name: string; backups?: BackupPolicy } | undefined): BackupPolicy {
  return size?.backups ?? builtInPolicies[size?.name ?? ''] ?? builtInPolicies.starter!;
}

export function backupPolicyProblems(sizeName: string, policy: unknown): string[] {
  const { everyHours, keep } = (policy ?? {}) as Record<string, unknown>;
  const within = (value: unknown, max: number) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max;
  return within(everyHours, 168) && within(keep, 365) ? [] : [`size "${sizeName}": backups must be { everyHours: 1 to 168, keep: 1 to 365 }`];
}

/** Whether a scheduled backup is due: never backed up, or the last one started `everyHours` ago. */
export function isBackupDue(lastStartedAt: Date | null, policy: BackupPolicy, now: Date): boolean {
  return lastStartedAt === null || now.getTime() - lastStartedAt.getTime() >= policy.everyHours * 3_600_000;
}

/**
 * The backups to delete, given a host's backups newest first: the finished ones past the newest
 * `keep`, and failed ones older than the newest finished one (they restore nothing). A running
 * backup is never touched.
 */
export function backupsPastRetention(backups: Array<{ id: string; status: string }>, policy: BackupPolicy): string[] {
  const doomed: string[] = [];
  let ready = 0;
  for (const backup of backups) {
    if (backup.status === 'ready') {
      ready += 1;
      if (ready > policy.keep) doomed.push(backup.id);
    } else if (backup.status === 'failed' && ready > 0) {
      doomed.push(backup.id);
    }
  }
  return doomed;
}
