// /api/v1/operator/import-uploads: an operator on another machine sends an import's files to
// Homeport (a staging folder per upload, one streamed PUT per file, resumable), then starts the
// import with `{ upload: id }`. 404 for anyone but an operator.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ImportUpload } from '../../contract/imports.ts';
import { createImportUpload, describeImportUpload, uploadFileNamePattern, writeImportUploadFile, type ImportUploadView } from '../../jobs/portability/import-uploads.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { accountSecurity, requireOperator } from '../authentication.ts';
import { Problem } from '../problem-details.ts';

const UploadParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

function uploadView(upload: ImportUploadView) {
  return { ...upload, createdAt: upload.createdAt.toISOString(), expiresAt: upload.expiresAt.toISOString() };
}

export function operatorImportUploadRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', async (request) => {
      requireOperator(request);
    });
    // File bodies are streamed to disk by the handler from request.raw, not read into memory: no
    // body limit but the disk check. The parsed body is an empty placeholder string.
    app.addContentTypeParser('application/octet-stream', (_request, _payload, done) => done(null, ''));

    app.post('/import-uploads', {
      schema: {
        tags: ['operator'], summary: 'Create an upload folder for an import\'s files (sent from another machine)', security: accountSecurity,
        response: { 201: ImportUpload, 404: Problem },
      },
    }, async (request, reply) => {
      const operator = requireOperator(request);
      const upload = await createImportUpload(context, operator.id);
      reply.status(201).header('location', `/api/v1/operator/import-uploads/${upload.id}`);
      return uploadView(upload);
    });

    app.get('/import-uploads/:id', {
      schema: {
        tags: ['operator'], summary: 'An upload and the size of each file written so far', security: accountSecurity,
        params: UploadParams,
        response: { 200: ImportUpload, 404: Problem },
      },
    }, async (request) => uploadView(await describeImportUpload(context, request.params.id)));

    app.put('/import-uploads/:id/files/:name', {
      schema: {
        tags: ['operator'],
        summary: 'Write one file of an upload from the raw request body (Content-Type: application/octet-stream)',
        description: 'The body is streamed to disk, with no size limit beyond the free disk (HOMEPORT_IMPORT_DISK_RESERVE_MB stays free). '
          + '`offset=0` (the default) writes the file from the start; to resume an interrupted file, send the rest with `offset` = the size GET shows.',
        security: accountSecurity,
        params: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String({ pattern: uploadFileNamePattern, maxLength: 255, description: 'File name: letters, digits, ".", "-", "_"; no folders' }) }),
        querystring: Type.Object({ offset: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0, description: 'Where the body starts in the file: 0, or the size already written' })) }, { additionalProperties: false }),
        consumes: ['application/octet-stream'],
        body: Type.String({ format: 'binary', description: "The file's bytes, streamed" }),
        response: { 200: Type.Object({ name: Type.String(), size: Type.Integer() }), 400: Problem, 404: Problem, 409: Problem, 415: Problem },
      },
    }, async (request) => {
      const length = request.headers['content-length'] === undefined ? undefined : Number(request.headers['content-length']);
      return writeImportUploadFile(context, {
        uploadId: request.params.id, name: request.params.name, offset: request.query.offset ?? 0, length, body: request.raw,
      });
    });
  };
}
