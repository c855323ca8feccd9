// Runs the installation's LiveKit media server (one SFU for every host's calls) under the process
// supervisor, like Caddy: signalling on loopback behind the edge, media on its own public ports.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import type { CallsConfig } from '../../config.ts';
import { callsHostname } from '../../domain/calls.ts';
import { RoomServiceClient } from 'livekit-server-sdk';
import type { Logger } from '../../logger.ts';
import type { CallsMediaServer } from '../runtime.ts';
import type { CallsKeys } from '../../store/calls-keys.ts';
import type { ProcessSupervisor } from './process-supervisor.ts';

export interface LivekitConfigInput {
  calls: Pick<CallsConfig, 'signalPort' | 'rtcTcpPort' | 'rtcUdpPort' | 'publicIp' | 'turnPort'>;
  baseDomain: string;
  apiKey: string;
}

/**
 * LiveKit's YAML configuration. The secret is not in it: it is passed in LIVEKIT_KEYS, so the
 * file on disk holds nothing the master key protects. Rooms are never made by a client's join:
 * the token service makes them for local hosts' users, so a remote user can only join a call
 * that a local user started.
 */
export function renderLivekitConfig(input: LivekitConfigInput): Record<string, unknown> {
  const { calls } = input;
  const development = calls.publicIp === '127.0.0.1';
  return {
    port: calls.signalPort,
    bind_addresses: ['127.0.0.1'],
    rtc: {
      tcp_port: calls.rtcTcpPort,
      udp_port: calls.rtcUdpPort,
      ...(calls.publicIp ? { node_ip: calls.publicIp, use_external_ip: false } : { use_external_ip: true }),
      // On a development installation clients and server are on this machine.
      ...(development ? { enable_loopback_candidate: true } : {}),
    },
    room: { auto_create: false, empty_timeout: 300, departure_timeout: 20 },
    turn: calls.turnPort > 0
      ? { enabled: true, domain: callsHostname(input.baseDomain), udp_port: calls.turnPort, tls_port: 0 }
      : { enabled: false },
    logging: { level: 'info', json: true },
  };
}

function livekitPaths(dataDir: string) {
  const root = join(dataDir, 'livekit');
  return {
    root,
    configFile: join(root, 'livekit.yaml'),
    pidFile: join(root, 'livekit.pid'),
    outputFile: join(root, 'livekit.log'),
  };
}

const processKey = 'livekit';

export interface LivekitServerOptions {
  dataDir: string;
  baseDomain: string;
  calls: CallsConfig;
  supervisor: ProcessSupervisor;
  logger?: Logger;
}

export class LivekitServer implements CallsMediaServer {
  readonly #options: LivekitServerOptions;
  readonly #paths: ReturnType<typeof livekitPaths>;
  #rooms: RoomServiceClient | undefined;

  constructor(options: LivekitServerOptions) {
    this.#options = options;
    this.#paths = livekitPaths(options.dataDir);
  }

  /** Where LiveKit's server API answers (RoomService), on loopback. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#options.calls.signalPort}`;
  }

  /** Starts LiveKit (or adopts the one an earlier Homeport left running) and waits until it answers. */
  async start(keys: CallsKeys, timeoutMs = 30_000): Promise<void> {
    const { calls, supervisor } = this.#options;
    await mkdir(this.#paths.root, { recursive: true, mode: 0o700 });
    const config = renderLivekitConfig({ calls, baseDomain: this.#options.baseDomain, apiKey: keys.apiKey });
    const temporary = `${this.#paths.configFile}.${process.pid}.tmp`;
    await writeFile(temporary, stringify(config), { mode: 0o600 });
    await rename(temporary, this.#paths.configFile);
    await supervisor.ensureRunning(processKey, {
      command: calls.livekitBin,
      args: ['--config', this.#paths.configFile],
      cwd: this.#paths.root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.#paths.root, LIVEKIT_KEYS: `${keys.apiKey}: ${keys.apiSecret}` },
      pidFile: this.#paths.pidFile,
      outputFile: this.#paths.outputFile,
      onStateChange: (state) => this.#options.logger?.info({ state }, 'LiveKit process state'),
    });
    this.#rooms = new RoomServiceClient(this.apiUrl, keys.apiKey, keys.apiSecret);
    const deadline = Date.now() + timeoutMs;
    while (!(await this.healthy())) {
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`LiveKit did not answer on port ${calls.signalPort} within ${timeoutMs} ms; see ${this.#paths.outputFile}`);
      }
      await sleep(200);
    }
  }

  #roomService(): RoomServiceClient {
    if (!this.#rooms) throw new Error('LiveKit has not been started');
    return this.#rooms;
  }

  async ensureRoom(name: string): Promise<void> {
    // Creating a room that exists returns it unchanged.
    await this.#roomService().createRoom({ name, emptyTimeout: 300, departureTimeout: 20 });
  }

  async roomExists(name: string): Promise<boolean> {
    return (await this.#roomService().listRooms([name])).length > 0;
  }

  /** Whether LiveKit answers its health check. */
  async healthy(): Promise<boolean> {
    try {
      const response = await fetch(this.apiUrl, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    await this.#options.supervisor.stop(processKey);
  }
}
