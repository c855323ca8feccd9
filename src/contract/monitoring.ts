// Monitoring as the API shows it: a host's status page (current state, uptime, incidents) and
// the operator's open alerts and every host's last health check.
import { Type } from 'typebox';
import { Nullable } from './nullable.ts';

export const HealthState = Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('sleeping')], {
  description: '`sleeping`: stopped on purpose while unused, woken by its next request; not down',
});

export const AlertKind = Type.Union([Type.Literal('host-down'), Type.Literal('certificate-expiring'), Type.Literal('disk-filling'), Type.Literal('seats-near-limit'), Type.Literal('backup-failed')]);

const incidentFields = {
  id: Type.String({ format: 'uuid' }),
  kind: AlertKind,
  summary: Type.String(),
  openedAt: Type.String({ format: 'date-time' }),
  resolvedAt: Nullable(Type.String({ format: 'date-time' })),
};

export const Incident = Type.Object(incidentFields);

export const HostStatusReport = Type.Object({
  state: Type.Union([HealthState, Type.Null()], { description: 'As of the last check; null before the first' }),
  checkedAt: Nullable(Type.String({ format: 'date-time' })),
  responseMs: Nullable(Type.Integer({ description: 'How long /health took to answer at the last check' })),
  uptime: Type.Object({
    day: Nullable(Type.Number({ description: 'Share (0 to 1) of the last 24 hours\' checks that found the host up or sleeping' })),
    week: Nullable(Type.Number({ description: 'The same over the last 7 days' })),
  }),
  checks: Type.Array(Type.Object({ at: Type.String({ format: 'date-time' }), state: HealthState, responseMs: Nullable(Type.Integer()) }), { description: 'The last 24 hours\' checks, newest first (at most 200)' }),
  incidents: Type.Array(Incident, { description: 'The host\'s most recent alerts, newest first' }),
});

export const OperatorAlert = Type.Object({
  ...incidentFields,
  hostId: Nullable(Type.String({ format: 'uuid' })),
  hostLabel: Nullable(Type.String()),
  notifiedAt: Nullable(Type.String({ format: 'date-time' })),
});

export const OperatorHostHealth = Type.Object({
  hostId: Type.String({ format: 'uuid' }),
  label: Type.String(),
  state: HealthState,
  checkedAt: Type.String({ format: 'date-time' }),
  responseMs: Nullable(Type.Integer()),
});
