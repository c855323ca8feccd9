// The three /.well-known/matrix documents the edge serves for a host, on every name it answers on.
import { rtcFoci } from '../../domain/calls.ts';
import type { EdgeRoute } from '../runtime.ts';

export interface WellKnownDocuments {
  client: Record<string, unknown>;
  /** Absent when the host's federation is off. */
  server?: Record<string, unknown>;
  support: Record<string, unknown>;
}

export function wellKnownDocuments(spec: Pick<EdgeRoute, 'publicBaseUrl' | 'delegatedServer' | 'supportEmail' | 'callsServiceUrl'>): WellKnownDocuments {
  return {
    client: {
      'm.homeserver': { base_url: spec.publicBaseUrl.replace(/\/$/, '') },
      ...(spec.callsServiceUrl ? rtcFoci(spec.callsServiceUrl) : {}),
    },
    // Federation reaches the host through the edge's HTTPS port, like clients do.
    server: spec.delegatedServer === null ? undefined : { 'm.server': spec.delegatedServer },
    support: {
      contacts: spec.supportEmail ? [{ email_address: spec.supportEmail, role: 'm.role.admin' }] : [],
    },
  };
}
