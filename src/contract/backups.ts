// Backups (restore points) and restores as the API shows them, and the body that asks for a restore.
import { Type } from 'typebox';

export const Backup = Type.Object({
  id: Type.String({ format: 'uuid' }),
  hostId: Type.String({ format: 'uuid' }),
  jobId: Type.String({ format: 'uuid' }),
  trigger: Type.Union([Type.Literal('scheduled'), Type.Literal('manual'), Type.Literal('before-restore')]),
  status: Type.Union([Type.Literal('running'), Type.Literal('ready'), Type.Literal('failed')], { description: 'Only a ready backup can be restored' }),
  bytes: Type.Union([Type.Integer(), Type.Null()], { description: 'Stored size, sealed (encrypted with the installation\'s key)' }),
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
