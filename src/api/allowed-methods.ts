// A known API path asked with a method it does not have gets 405 with an Allow header, not 404.
// Operator paths stay hidden from everyone else (404), like the routes themselves.
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';

interface KnownPath {
  pattern: RegExp;
  methods: Set<string>;
  operatorOnly: boolean;
}

export interface AllowedMethods {
  /** The methods the request's path has, or undefined when the path is unknown (to this caller). */
  of(request: FastifyRequest): string[] | undefined;
}

export function registerAllowedMethods(app: FastifyInstance): AllowedMethods {
  const known = new Map<string, KnownPath>();
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith('/api/') || route.url.includes('*')) return;
    const path = known.get(route.url) ?? {
      pattern: new RegExp(`^${route.url.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`),
      methods: new Set<string>(),
      operatorOnly: route.url.startsWith('/api/v1/operator/'),
    };
    for (const method of [route.method].flat()) path.methods.add(method);
    known.set(route.url, path);
  });
  return {
    of(request) {
      const path = request.url.split('?')[0] ?? '';
      const methods = new Set<string>();
      for (const candidate of known.values()) {
        if (candidate.operatorOnly && !request.account?.is_operator) continue;
        if (candidate.pattern.test(path)) for (const method of candidate.methods) methods.add(method);
      }
      return methods.size > 0 ? [...methods].sort() : undefined;
    },
  };
}
