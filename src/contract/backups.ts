// Backups (restore points) and restores as the API shows them, and the body that asks for a restore.
import { Type } from 'typebox';

export const Backup = Type.Object({
  id: Type.String({ format: 'uuid' }),
  hostId: Type.String({ format: 'uuid' }),
  jobId: Type.String({ format: 'uuid' }),
  kind: Type.Union([Type.Literal('backup'), Type.Literal('snapshot')], {
    description: 'backup: database and media sealed into the backup store (scheduled or on request). snapshot: the copy of the database and configuration a Synapse upgrade took right before it changed the host, kept inside Homeport\'s PostgreSQL (the newest two per host); restoring one puts the host back on the release it was taken on and keeps today\'s media',
  }),
  trigger: Type.Union([Type.Literal('scheduled'), Type.Literal('manual'), Type.Literal('before-restore'), Type.Literal('before-upgrade')]),
  description: Type.String({ description: 'What the restore point is, in words, e.g. "scheduled backup" or "before upgrade to Synapse 1.163.2"' }),
  synapseRelease: Type.Union([Type.String(), Type.Null()], { description: 'The Synapse release the host ran when this was taken; null: not recorded' }),
  status: Type.Union([Type.Literal('running'), Type.Literal('ready'), Type.Literal('failed')], { description: 'Only a ready backup can be restored' }),
  bytes: Type.Union([Type.Integer(), Type.Null()], { description: 'Stored size, sealed (encrypted with the installation\'s key); for a snapshot, its database\'s size' }),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time', description: 'The restore point: the database as it was when its dump began' }),
  completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const Restore = Type.Object({
  id: Type.String({ format: 'uuid' }),
  hostId: Type.String({ format: 'uuid', description: 'The host restored into: the backup\'s own host, or the new host of a restore `into` one' }),
  backupId: Type.String({ format: 'uuid' }),
  jobId: Type.String({ format: 'uuid' }),
  createdAt: Type.String({ format: 'date-time' }),
});

export const RestoreBody = Type.Object(
  {
    confirm: Type.String({ maxLength: 200, description: "The host's label, typed again: without `into`, everything written since the backup is lost" }),
    into: Type.Optional(Type.String({
      maxLength: 200,
      description: "Restore into a new host with this label (a staging clone) and leave this host untouched. The clone keeps this host's server name inside its data (Matrix IDs cannot change), is served only at its own label's address, has its own signing key, and federation stays off: it would impersonate this host",
    })),
  },
  { additionalProperties: false },
);

export const BackupParams = Type.Object({
  id: Type.String({ maxLength: 100, description: 'Host id or label' }),
  backupId: Type.String({ maxLength: 100 }),
});
