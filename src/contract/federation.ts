// A host's federation setting as the API shows and takes it.
import { Type } from 'typebox';
import { maxAllowedServers } from '../domain/federation.ts';

export const FederationMode = Type.Union([Type.Literal('open'), Type.Literal('allowlist'), Type.Literal('off')], {
  description: 'open: the whole Matrix network; allowlist: only the listed servers ("private federation"); off: no federation at all',
});

export const HostFederation = Type.Object({
  mode: FederationMode,
  allowedServers: Type.Array(Type.String(), { description: 'The servers an allowlist host federates with (its own name is always allowed)' }),
});

export const FederationBody = Type.Object(
  {
    mode: FederationMode,
    allowedServers: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), {
      maxItems: maxAllowedServers,
      description: 'Matrix server names such as example.org or example.org:8448; needed for allowlist, kept but unused otherwise. Omitted: the list stays as it is.',
    })),
  },
  { additionalProperties: false },
);
