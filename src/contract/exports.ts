// The export resource and the downtime estimate as the API shows them.
import { Type } from 'typebox';

export const Estimate = Type.Object({
  databaseBytes: Type.Integer(),
  mediaBytes: Type.Integer(),
  dumpBytesPerSecond: Type.Integer({ description: 'Measured on this installation (20 MiB/s until measured)' }),
  archiveBytesPerSecond: Type.Integer({ description: 'Measured on this installation (40 MiB/s until measured)' }),
  downtimeSeconds: Type.Integer({ description: 'How long Synapse is stopped, stop and start included' }),
});

export const ExportFileLink = Type.Object({
  name: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
  url: Type.String({ description: 'A signed download link, valid without login until it expires; supports HTTP ranges' }),
});

export const Export = Type.Object({
  id: Type.String({ format: 'uuid' }),
  hostId: Type.String({ format: 'uuid' }),
  jobId: Type.String({ format: 'uuid' }),
  status: Type.Union([Type.Literal('running'), Type.Literal('ready'), Type.Literal('failed'), Type.Literal('deleted')]),
  encrypted: Type.Boolean(),
  estimatedDowntimeSeconds: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  readyAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  files: Type.Array(ExportFileLink),
});

export const CreateExportBody = Type.Object(
  { passphrase: Type.Optional(Type.String({ maxLength: 1024, description: 'Encrypts every file (OpenPGP, AES-256; `gpg --decrypt` opens them). At least 8 characters.' })) },
  { additionalProperties: false },
);
