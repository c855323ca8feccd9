// The warnings a customer reads before a risky server-admin action, in one place so the panel, the
// CLI and the API's answers use the same words (the panel bundles this file; it holds only text).

export const passwordShownOnce =
  'This password is shown only once and Homeport does not keep it: send it to the user in a secure way, then delete it.';

export const keyBackupWarning =
  'Resetting a password signs the user out of every session. Encrypted messages can then only be read again from key backup: ' +
  'before a reset, make sure the user has key backup set up in all sessions, every key backed up, and the backup passphrase or recovery key at hand.';

export const adminRightsWarning =
  'A server admin can use the Synapse Admin API on this host: read and change every account, reset passwords, deactivate users, ' +
  'and manage rooms and media. Give these rights only to people you trust with the whole server.';

export const adminRightsRemoved = 'This user can no longer use the Synapse Admin API on this host.';
