// /api/v1/hosts/{id}/maintenance-window: when the host's owner prefers Synapse upgrades to restart
// it. Rollouts wait for it unless the operator marks a release urgent (a security release).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MaintenanceWindow, MaintenanceWindowAnswer } from '../../contract/synapse-upgrades.ts';
import { maintenanceWindowHours } from '../../domain/synapse-release.ts';
import { setMaintenanceWindow } from '../../jobs/commands/synapse-upgrades.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { findAccountHost } from '../../store/hosts.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';

const params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const errors = { 400: Problem, 401: Problem, 404: Problem };

export function hostMaintenanceWindowRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/hosts/:id/maintenance-window', {
      schema: { tags: ['hosts'], summary: "The host's maintenance window for Synapse upgrades", security: accountSecurity, params, response: { 200: MaintenanceWindowAnswer, ...errors } },
    }, async (request) => {
      const host = await findAccountHost(context.db, requireAccount(request).id, request.params.id);
      return { startHour: host.maintenance_hour, hours: maintenanceWindowHours };
    });

    app.put('/hosts/:id/maintenance-window', {
      schema: { tags: ['hosts'], summary: 'Choose when Synapse upgrades may restart the host (UTC), or any time', security: accountSecurity, params, body: MaintenanceWindow, response: { 200: MaintenanceWindowAnswer, ...errors } },
    }, async (request) => {
      const host = await setMaintenanceWindow(context, requireAccount(request).id, request.params.id, request.body.startHour);
      return { startHour: host.maintenance_hour, hours: maintenanceWindowHours };
    });
  };
}
