// /api/v1/hosts/{id}/exports: the downtime estimate, starting an export, and the exports with
// their download links; /api/v1/exports/{id}/files/{name}: a signed link's file, streamed with ranges.
import { dirname } from 'node:path';
import send from '@fastify/send';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CreateExportBody, Estimate, Export } from '../../contract/exports.ts';
import { HostParams } from '../../contract/hosts.ts';
import { JobSummary } from '../../contract/jobs.ts';
import { notFound } from '../../domain/errors.ts';
import { downloadLinks, estimateExport, listExports, resolveDownload, showExport, startExport } from '../../jobs/commands/export-host.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { estimateView, exportView } from '../views/export-view.ts';
import { jobSummary } from '../views/job-view.ts';

const errors = { 400: Problem, 401: Problem, 404: Problem, 409: Problem, 422: Problem };
const tags = ['exports'];

export function hostExportRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/hosts/:id/exports/estimate', {
      schema: { tags, summary: 'How long an export would stop the host, from its database and media sizes', security: accountSecurity, params: HostParams, response: { 200: Estimate, ...errors } },
    }, async (request) => estimateView(await estimateExport(context, requireAccount(request).id, request.params.id)));

    app.post('/hosts/:id/exports', {
      schema: {
        tags, summary: 'Export the host: Synapse stops while its database and media are copied, then runs again', security: accountSecurity,
        params: HostParams, body: CreateExportBody, response: { 202: Type.Object({ export: Export, job: JobSummary, estimate: Estimate }), ...errors },
      },
    }, async (request, reply) => {
      const started = await startExport(context, requireAccount(request).id, request.params.id, request.body);
      reply.status(202).header('location', `/api/v1/hosts/${started.export.host_id}/exports/${started.export.id}`);
      return { export: exportView(started.export, []), job: jobSummary(started.job), estimate: estimateView(started.estimate) };
    });

    app.get('/hosts/:id/exports', {
      schema: { tags, summary: "The host's exports, newest first, with fresh download links", security: accountSecurity, params: HostParams, response: { 200: Type.Object({ exports: Type.Array(Export) }), ...errors } },
    }, async (request) => {
      const rows = await listExports(context, requireAccount(request).id, request.params.id);
      return { exports: rows.map((row) => exportView(row, downloadLinks(context, row))) };
    });

    app.get('/hosts/:id/exports/:exportId', {
      schema: {
        tags, summary: 'One export with fresh download links', security: accountSecurity,
        params: Type.Object({ ...HostParams.properties, exportId: Type.String({ maxLength: 100 }) }), response: { 200: Export, ...errors },
      },
    }, async (request) => {
      const row = await showExport(context, requireAccount(request).id, request.params.id, request.params.exportId);
      return exportView(row, downloadLinks(context, row));
    });

    app.get('/exports/:exportId/files/:name', {
      schema: {
        tags, summary: 'Download an export file through its signed link (resumable with Range)',
        params: Type.Object({ exportId: Type.String({ maxLength: 100 }), name: Type.String({ maxLength: 300 }) }),
        querystring: Type.Object({ expires: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), signature: Type.String({ maxLength: 200 }) }),
      },
    }, async (request, reply) => {
      const { path, file } = await resolveDownload(context, { ...request.params, ...request.query });
      const result = await send(request.raw, `/${encodeURIComponent(file.name)}`, { root: dirname(path), dotfiles: 'deny', index: false, etag: true, lastModified: true, acceptRanges: true });
      if (result.type !== 'file') {
        if (result.statusCode === 416) {
          return reply.status(416).headers(result.headers).type('application/problem+json').send({
            type: 'urn:homeport:problem:range-not-satisfiable', title: 'Range not satisfiable', status: 416, detail: `${file.name} has ${file.size} bytes.`,
          });
        }
        throw notFound(`Export file ${file.name}`);
      }
      reply.status(result.statusCode).headers(result.headers);
      reply.header('content-disposition', `attachment; filename="${file.name}"`);
      reply.header('content-type', 'application/octet-stream');
      reply.header('cache-control', 'private, no-store');
      return reply.send(result.stream);
    });
  };
}
