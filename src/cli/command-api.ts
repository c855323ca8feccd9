// The API client a subcommand uses, from the global --api-url and --token options.
import type { Command } from 'commander';
import { ApiClient } from './api-client.ts';

export function apiForCommand(command: Command): ApiClient {
  const options = command.optsWithGlobals<{ apiUrl: string; token?: string }>();
  return new ApiClient({ baseUrl: options.apiUrl, token: options.token });
}

export const print = (line: string) => process.stdout.write(line + '\n');

/** The path segment for a host given by label or id. */
export const hostPath = (host: string) => `/api/v1/hosts/${encodeURIComponent(host)}`;
