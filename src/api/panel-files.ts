// Serves the built control panel (dist/web) at `/`: its files, and index.html for every other
// GET of a page, so that the panel's own routes survive a reload. Never answers for the API or probes.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const panelDirectory = fileURLToPath(new URL('../../dist/web', import.meta.url));

const notPanelPaths = /^\/(api|healthz|readyz|metrics)(\/|\?|$)/;

/** The panel runs only its own bundled code, is never framed, and never leaks link tokens (?token=) as a referrer. */
const pageHeaders = {
  'cache-control': 'no-cache',
  'content-security-policy': "default-src 'self'; script-src 'self' https://js.stripe.com; frame-src https://js.stripe.com https://hooks.stripe.com; connect-src 'self' https://api.stripe.com; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const notBuilt = `<!doctype html><meta charset="utf-8"><title>Homeport</title>
<p>The control panel has not been built. Run <code>npm run build:web</code> (or start Homeport with <code>./homeport start</code>, which builds it).</p>`;

export async function registerPanelFiles(app: FastifyInstance, directory = panelDirectory): Promise<void> {
  const built = existsSync(`${directory}/index.html`);
  if (built) {
    // wildcard: false registers one route per built file, so unknown paths reach the fallback below.
    await app.register(fastifyStatic, {
      root: directory, wildcard: false, index: false, serve: true, cacheControl: false,
      // Built assets have content hashes in their names: they never change under the same name.
      setHeaders: (reply, path) => {
        if (/[/\\]assets[/\\]/.test(path)) reply.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
  }
  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    if (notPanelPaths.test(request.url)) return reply.callNotFound();
    reply.headers(pageHeaders);
    if (!built) return reply.type('text/html').send(notBuilt);
    return reply.sendFile('index.html');
  };
  app.get('/', { schema: { hide: true } }, page);
  app.get('/*', { schema: { hide: true } }, page);
}
