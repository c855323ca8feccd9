// Stripe's official stripe-mock (a Go program serving Stripe's OpenAPI fixtures) on a loopback port,
// behind a small pass-through proxy that adds what stripe-mock, being stateless, never does:
//  - stripe-mock answers every PaymentIntent with its fixture status (requires_payment_method). Real
//    Stripe answers a confirmed off-session PaymentIntent for a good card with `succeeded`; the proxy
//    sets that status on PaymentIntents created with confirm=true, and on nothing else.
//  - stripe-mock never declines. Like Stripe's own test card `pm_card_chargeDeclined`, a PaymentIntent
//    with that payment method gets the 402 card_declined error real Stripe sends.
//  - stripe-mock's search answers a fixed fixture. The proxy answers
//    `GET /v1/payment_intents/search?query=metadata['chargeId']:'<id>'` from the PaymentIntents
//    it has passed through, as real Stripe's search would.
// Everything else passes through unchanged, and every request is kept for the test to inspect. A
// test can also hold back the answer to the next PaymentIntent, to kill Homeport while it waits.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { freePort } from './throwaway-postgres.ts';

export const declinedCard = 'pm_card_chargeDeclined';

export interface StripeRequest {
  method: string;
  path: string;
  form: URLSearchParams;
}

export interface StripeMock {
  /** HOMEPORT_STRIPE_API_URL: the proxy in front of stripe-mock. */
  url: string;
  requests: StripeRequest[];
  /** Holds back Stripe's answer to the next PaymentIntent created: `arrived` once Stripe made it, `release` sends the answer. */
  holdNextPaymentIntent(): { arrived: Promise<string>; release(): void };
  stop(): Promise<void>;
}

function stripeMockBinary(): string {
  const candidates = [process.env.STRIPE_MOCK, '/usr/local/bin/stripe-mock', `${process.env.HOME}/go/bin/stripe-mock`].filter((path): path is string => Boolean(path));
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error('stripe-mock is not installed: go install github.com/stripe/stripe-mock@v0.203.0 (see .ci/run)');
  return found;
}

async function waitForPort(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`stripe-mock exited with ${child.exitCode ?? child.signalCode}`);
    const up = await fetch(`${url}/v1/customers`, { headers: { authorization: 'Bearer sk_test_123' } }).then(() => true, () => false);
    if (up) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error('stripe-mock did not start');
}

/**
 * Starts stripe-mock on two free ports. A port found free may be taken (or handed out twice) before
 * stripe-mock binds it, and it then exits at once: it is started again on other ports.
 */
async function spawnStripeMock(): Promise<{ child: ChildProcess; mockUrl: string }> {
  for (let attempt = 1; ; attempt++) {
    const mockPort = await freePort();
    let httpsPort = await freePort();
    while (httpsPort === mockPort) httpsPort = await freePort();
    // Without an HTTPS address stripe-mock also listens on its default :12112, which another run may hold.
    const child = spawn(stripeMockBinary(), ['-http-addr', `127.0.0.1:${mockPort}`, '-https-addr', `127.0.0.1:${httpsPort}`], { stdio: 'ignore' });
    const mockUrl = `http://127.0.0.1:${mockPort}`;
    try {
      await waitForPort(mockUrl, child);
      return { child, mockUrl };
    } catch (error) {
      child.kill('SIGKILL');
      if (attempt >= 3) throw error;
    }
  }
}

export async function startStripeMock(): Promise<StripeMock> {
  const { child, mockUrl } = await spawnStripeMock();
  const requests: StripeRequest[] = [];
  const intents: Record<string, unknown>[] = [];
  let hold: { arrived(id: string): void; released: Promise<void> } | undefined;
  const proxy: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = incoming.url ?? '/';
      const form = new URLSearchParams(body.toString());
      requests.push({ method: incoming.method ?? 'GET', path, form });
      const creatingIntent = incoming.method === 'POST' && path === '/v1/payment_intents';
      if (incoming.method === 'GET' && path.startsWith('/v1/payment_intents/search')) {
        const query = new URL(path, 'http://stripe').searchParams.get('query') ?? '';
        const chargeId = /^metadata\['chargeId'\]:'([^']+)'$/.exec(query)?.[1];
        const data = intents.filter((intent) => (intent.metadata as Record<string, string>).chargeId === chargeId);
        outgoing.writeHead(200, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ object: 'search_result', url: '/v1/payment_intents/search', has_more: false, next_page: null, data }));
        return;
      }
      if (creatingIntent && form.get('payment_method') === declinedCard) {
        outgoing.writeHead(402, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.', payment_intent: { id: 'pi_declined' } } }));
        return;
      }
      const forwarded = httpRequest(`${mockUrl}${path}`, { method: incoming.method, headers: { ...incoming.headers, host: new URL(mockUrl).host } }, (answer) => {
        const answerChunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
        answer.on('end', () => {
          let text = Buffer.concat(answerChunks).toString();
          let held: Promise<void> = Promise.resolve();
          if (creatingIntent && form.get('confirm') === 'true' && answer.statusCode === 200) {
            const intent = JSON.parse(text) as Record<string, unknown>;
            const metadata = Object.fromEntries([...form.entries()].filter(([key]) => key.startsWith('metadata[')).map(([key, value]) => [key.slice(9, -1), value]));
            const succeeded = { ...intent, status: 'succeeded', last_payment_error: null, next_action: null, amount_received: intent.amount, metadata };
            intents.push(succeeded);
            text = JSON.stringify(succeeded);
            if (hold) {
              hold.arrived(String(intent.id));
              held = hold.released;
              hold = undefined;
            }
          }
          const headers = { ...answer.headers };
          delete headers['content-length'];
          void held.then(() => {
            outgoing.writeHead(answer.statusCode ?? 502, headers);
            outgoing.end(text);
          });
        });
      });
      forwarded.on('error', (error) => {
        outgoing.writeHead(502);
        outgoing.end(String(error));
      });
      forwarded.end(body);
    });
  });
  const proxyPort = await freePort();
  await new Promise<void>((done) => proxy.listen(proxyPort, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    requests,
    holdNextPaymentIntent() {
      let release!: () => void;
      const released = new Promise<void>((done) => { release = done; });
      let arrived!: (id: string) => void;
      const arrival = new Promise<string>((done) => { arrived = done; });
      hold = { arrived, released };
      return { arrived: arrival, release };
    },
    async stop() {
      await new Promise<void>((done) => proxy.close(() => done()));
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
