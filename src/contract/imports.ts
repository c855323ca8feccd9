// An operator's import as the API takes it, and the upload that carries its files from another machine.
import { Type } from 'typebox';

export const ImportBody = Type.Object(
  {
    from: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Absolute path of the folder on the Homeport machine (or give `upload`)' })),
    upload: Type.Optional(Type.String({ format: 'uuid', description: 'An import upload holding the files (POST /api/v1/operator/import-uploads), instead of `from`' })),
    label: Type.String({ maxLength: 200, description: 'The new host\'s label' }),
    accountEmail: Type.String({ format: 'email', maxLength: 254, description: 'The customer account that will own the host' }),
    size: Type.String({ maxLength: 100 }),
    seats: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    passphrase: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'The passphrase of an encrypted export' })),
    verifyUser: Type.String({ minLength: 1, maxLength: 255, description: 'A user of the imported server (localpart or full Matrix ID) whose login proves the import' }),
    verifyPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    clientDomain: Type.Optional(Type.String({ maxLength: 300, description: 'Where clients reach the host when the server name is not <label>.<base domain>' })),
    billing: Type.Optional(Type.Union([Type.Literal('subscription'), Type.Literal('none')], { description: "subscription (default): once the import succeeds the account's subscription for the host starts, its first invoice issued like a purchase's (a card is charged by the billing check, invoice payment gets an open invoice); none: a complimentary host" })),
  },
  { additionalProperties: false },
);

export const ImportUpload = Type.Object({
  id: Type.String({ format: 'uuid' }),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time', description: 'When the upload is deleted if no import uses it (the export retention period)' }),
  importId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'The import that uses the files; no more files are accepted once set' }),
  files: Type.Array(Type.Object({ name: Type.String(), size: Type.Integer({ description: 'Bytes written so far: resume a file at this offset' }) })),
});
