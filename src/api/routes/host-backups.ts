// /api/v1/hosts/{id}/backups (the customer's own hosts) and /api/v1/operator/hosts/{id}/backups
// (any host): list the restore points, take a backup now, restore one into the host or into a new one.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Backup, BackupParams, Restore, RestoreBody } from '../../contract/backups.ts';
import { Host, HostParams } from '../../contract/hosts.ts';
import { JobSummary } from '../../contract/jobs.ts';
import { listBackups, startBackup, startRestore, type BackupActor } from '../../jobs/commands/host-backups.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { accountSecurity, requireAccount, requireOperator } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { backupView, restoreView } from '../views/backup-view.ts';
import { jobSummary } from '../views/job-view.ts';
import { hostView } from '../views/host-view.ts';
import type { FastifyRequest } from 'fastify';

const errors = { 400: Problem, 401: Problem, 404: Problem, 409: Problem, 422: Problem };
const tags = ['backups'];

function backupRoutes(context: HomeportContext, actorOf: (request: FastifyRequest) => BackupActor, who: string): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/hosts/:id/backups', {
      schema: { tags, summary: `The host's restore points, newest first (${who})`, security: accountSecurity, params: HostParams, response: { 200: Type.Object({ backups: Type.Array(Backup) }), ...errors } },
    }, async (request) => ({ backups: (await listBackups(context, actorOf(request), request.params.id)).map(backupView) }));

    app.post('/hosts/:id/backups', {
      schema: {
        tags, summary: `Back the host up now: database and media, sealed with the installation's key; the host keeps serving (${who})`, security: accountSecurity,
        params: HostParams, response: { 202: Type.Object({ backup: Backup, job: JobSummary }), ...errors },
      },
    }, async (request, reply) => {
      const started = await startBackup(context, actorOf(request), request.params.id);
      reply.status(202);
      return { backup: backupView(started.backup), job: jobSummary(started.job) };
    });

    app.post('/hosts/:id/backups/:backupId/restore', {
      schema: {
        tags, summary: `Restore the host to this backup (it stops and is not served until the restore is verified), or into a new host: a staging clone (${who})`, security: accountSecurity,
        // 503: a restore into a new host when the machine has no room for one.
        params: BackupParams, body: RestoreBody, response: { 202: Type.Object({ restore: Restore, backup: Backup, job: JobSummary, host: Host }), ...errors, 503: Problem },
      },
    }, async (request, reply) => {
      const started = await startRestore(context, actorOf(request), request.params.id, request.params.backupId, request.body);
      reply.status(202);
      return { restore: restoreView(started.restore), backup: backupView(started.backup), job: jobSummary(started.job), host: hostView(context.config, started.host) };
    });
  };
}

export function hostBackupRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return backupRoutes(context, (request) => ({ kind: 'customer', accountId: requireAccount(request).id }), 'own hosts');
}

export function operatorBackupRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return backupRoutes(context, (request) => ({ kind: 'operator', accountId: requireOperator(request).id }), 'operator: any host');
}
