// The layout of a host's folder on this machine (`<data dir>/hosts/<id>`): the local runtime's own
// business, so every part of it finds the same files and nothing outside it knows them.
import { join } from 'node:path';
import type { HomeserverPaths } from '../../synapse/homeserver-config.ts';
import { edgeSocketName } from './caddy-config.ts';

export function homeserverPaths(hostDir: string): HomeserverPaths {
  return {
    hostDir,
    homeserverConfig: join(hostDir, 'homeserver.yaml'),
    logConfig: join(hostDir, 'log.config.yaml'),
    logFile: join(hostDir, 'homeserver.log'),
    signingKey: join(hostDir, 'signing.key'),
    pidFile: join(hostDir, 'homeserver.pid'),
    mediaStore: join(hostDir, 'media'),
    metricsSocket: join(hostDir, 'metrics.sock'),
  };
}

/** The Unix socket the host's Synapse listens on for the edge (caddy-config.ts edgeSocketName). */
export function hostEdgeSocket(hostDir: string): string {
  return join(hostDir, edgeSocketName);
}
