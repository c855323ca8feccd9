// Builds the HTTP API: OpenAPI document, problem details, authentication and one plugin per resource.
import swagger from '@fastify/swagger';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { HomeportContext } from '../homeport-context.ts';
import { registerAllowedMethods } from './allowed-methods.ts';
import { registerAuthentication, sessionCookie } from './authentication.ts';
import { registerInputSchemas } from './input-schemas.ts';
import { registerPanelFiles } from './panel-files.ts';
import { registerProblemDetails, sendFrameworkProblem } from './problem-details.ts';
import { registerProblemResponses } from './problem-responses.ts';
import { registerRequestLimits } from './request-limits.ts';
import { registerRequestValidation } from './request-validation.ts';
import { registerSlowRequestWarnings } from './slow-requests.ts';
import { accountRoutes } from './routes/account.ts';
import { apiTokenRoutes } from './routes/api-tokens.ts';
import { catalogueRoutes } from './routes/catalogue.ts';
import { healthRoutes } from './routes/health.ts';
import { hostDelegationRoutes } from './routes/host-delegation.ts';
import { hostFederationRoutes } from './routes/host-federation.ts';
import { hostSsoRoutes } from './routes/host-sso.ts';
import { hostCallsRoutes } from './routes/host-calls.ts';
import { callsTokenRoutes } from './routes/calls-token.ts';
import { hostRegistrationTokenRoutes } from './routes/host-registration-tokens.ts';
import { hostUserRoutes } from './routes/host-users.ts';
import { hostRoutes } from './routes/hosts.ts';
import { jobRoutes } from './routes/jobs.ts';
import { operatorRoutes } from './routes/operator.ts';
import { sessionRoutes } from './routes/session.ts';
import { signUpRoutes } from './routes/sign-up.ts';
import { termsRoutes } from './routes/terms.ts';
import { hostClientDomainRoutes } from './routes/host-client-domain.ts';
import { hostFederationCheckRoutes } from './routes/host-federation-checks.ts';
import { hostLookAndFeelRoutes } from './routes/host-look-and-feel.ts';
import { operatorClientDomainRoutes } from './routes/operator-client-domains.ts';
import { operatorUpgradeRoutes } from './routes/operator-upgrades.ts';
import { hostMaintenanceWindowRoutes } from './routes/host-maintenance-window.ts';
import { hostExportRoutes } from './routes/host-exports.ts';
import { hostBackupRoutes, operatorBackupRoutes } from './routes/host-backups.ts';
import { operatorImportRoutes } from './routes/operator-imports.ts';
import { operatorImportUploadRoutes } from './routes/operator-import-uploads.ts';
import { billingRoutes } from './routes/billing.ts';
import { operatorBillingRoutes } from './routes/operator-billing.ts';
import { operatorMonitoringRoutes } from './routes/operator-monitoring.ts';
import { hostStatusRoutes } from './routes/host-status.ts';
import { stripeWebhookRoutes } from './routes/stripe-webhook.ts';

/** A number of hops becomes proxy-addr's hop test (Fastify's types leave the number form out). */
function trustedProxies(setting: Config['trustProxy']): string[] | boolean | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

/**
 * `runtimeRoutes`: routes under /api/v1 that the runtime's own parts call, chosen by the
 * composition root for the runtime it runs (the local edge asks edge.ts before on-demand TLS).
 */
export async function buildApiServer(context: HomeportContext, metrics: Registry, runtimeRoutes: FastifyPluginAsyncTypebox[] = []): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: context.logger.child({ component: 'api' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // request.ip is the client's address only through proxies the operator named.
    trustProxy: trustedProxies(context.config.trustProxy),
    // Path parameters as long as the longest a schema allows, percent-encoded; longer ones get 414.
    routerOptions: { maxParamLength: 4096 },
    // A malformed URL or a too long path parameter gets a problem document like every other error.
    frameworkErrors: (error, request, reply) => { sendFrameworkProblem(error, request, reply as FastifyReply); },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Before swagger's own onRoute hook, so the document shows the schemas as they are enforced.
  registerSlowRequestWarnings(app);
  registerRequestValidation(app);
  registerInputSchemas(app);
  registerProblemResponses(app);
  const allowedMethods = registerAllowedMethods(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Homeport API', version: '1', description: 'Buy and manage Matrix hosts.' },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'A personal API token' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: sessionCookie, description: 'The panel session (POST /api/v1/session); changes also need the X-CSRF-Token header' },
        },
      },
    },
  });
  await registerAuthentication(app, context.db, context.config);
  // After authentication: operator paths are known to operators only.
  registerProblemDetails(app, allowedMethods);
  await registerRequestLimits(app, context.db);
  await app.register(healthRoutes(context.db, metrics));
  await app.register(async (api) => {
    await api.register(catalogueRoutes(context));
    await api.register(hostRoutes(context));
    await api.register(hostDelegationRoutes(context));
    await api.register(hostFederationRoutes(context));
    await api.register(hostSsoRoutes(context));
    await api.register(hostCallsRoutes(context));
    await api.register(callsTokenRoutes(context));
    await api.register(hostUserRoutes(context));
    await api.register(hostRegistrationTokenRoutes(context));
    await api.register(jobRoutes(context));
    await api.register(signUpRoutes(context));
    await api.register(sessionRoutes(context));
    await api.register(accountRoutes(context));
    await api.register(apiTokenRoutes(context));
    await api.register(termsRoutes(context));
    await api.register(operatorRoutes(context), { prefix: '/operator' });
    for (const routes of runtimeRoutes) await api.register(routes);
    await api.register(hostLookAndFeelRoutes(context));
    await api.register(hostClientDomainRoutes(context));
    await api.register(hostFederationCheckRoutes(context));
    await api.register(operatorClientDomainRoutes(context), { prefix: '/operator' });
    await api.register(hostExportRoutes(context));
    await api.register(hostBackupRoutes(context));
    await api.register(operatorBackupRoutes(context), { prefix: '/operator' });
    await api.register(operatorImportRoutes(context), { prefix: '/operator' });
    await api.register(billingRoutes(context));
    await api.register(operatorBillingRoutes(context), { prefix: '/operator' });
    await api.register(hostStatusRoutes(context));
    await api.register(operatorMonitoringRoutes(context), { prefix: '/operator' });
    await api.register(stripeWebhookRoutes(context));
    await api.register(operatorImportUploadRoutes(context), { prefix: '/operator' });
    await api.register(operatorUpgradeRoutes(context), { prefix: '/operator' });
    await api.register(hostMaintenanceWindowRoutes(context));
    api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  }, { prefix: '/api/v1' });
  await registerPanelFiles(app);
  return app;
}
