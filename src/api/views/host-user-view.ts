// How Synapse's answer about a user becomes the API's host user.
import type { Static } from 'typebox';
import type { HostUser } from '../../contract/host-users.ts';
import type { SynapseUser } from '../../synapse/admin-client.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function hostUserView(user: SynapseUser): Static<typeof HostUser> {
  return {
    userId: user.userId,
    displayName: user.displayname,
    admin: user.admin,
    deactivated: user.deactivated,
    erased: user.erased,
    locked: user.locked,
    createdAt: iso(user.createdAt),
    lastSeenAt: iso(user.lastSeenAt),
  };
}
