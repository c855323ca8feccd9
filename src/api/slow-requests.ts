// A request that has not been answered after a while is logged (once per interval, with its
// route), so an operator, or a failed test, can see which request waits and since when.
import type { FastifyInstance, FastifyRequest } from 'fastify';

const warnEveryMs = 30_000;
/** A request whose end was never seen (a socket torn down without an abort) stops being reported. */
const giveUpAfterMs = 20 * 60_000;

export function registerSlowRequestWarnings(app: FastifyInstance): void {
  const timers = new WeakMap<FastifyRequest, NodeJS.Timeout>();
  const settle = (request: FastifyRequest) => {
    clearInterval(timers.get(request));
    timers.delete(request);
  };
  app.addHook('onRequest', async (request) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > giveUpAfterMs) clearInterval(timer);
      request.log.warn({ method: request.method, url: request.url, waitingSeconds: Math.round((Date.now() - started) / 1000) }, 'request still unanswered');
    }, warnEveryMs);
    timer.unref();
    timers.set(request, timer);
  });
  app.addHook('onResponse', async (request) => settle(request));
  app.addHook('onRequestAbort', async (request) => settle(request));
}
