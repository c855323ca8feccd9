// The three /.well-known/matrix documents the edge serves for a host on the base domain.
import type { Config } from '../../config.ts';
import type { HostSpec } from '../runtime.ts';

export interface WellKnownDocuments {
  client: Record<string, unknown>;
  server: Record<string, unknown>;
  support: Record<string, unknown>;
}

export function wellKnownDocuments(config: Pick<Config, 'edgeHttpsPort'>, spec: Pick<HostSpec, 'publicBaseUrl' | 'edgeHostname' | 'supportEmail'>): WellKnownDocuments {
  return {
    client: { 'm.homeserver': { base_url: spec.publicBaseUrl.replace(/\/$/, '') } },
    // Federation reaches the host through the edge's HTTPS port, like clients do.
    server: { 'm.server': `${spec.edgeHostname}:${config.edgeHttpsPort}` },
    support: {
      contacts: spec.supportEmail ? [{ email_address: spec.supportEmail, role: 'm.role.admin' }] : [],
    },
  };
}
