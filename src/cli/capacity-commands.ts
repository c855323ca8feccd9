// `homeport capacity`: the machine's capacity as the operator console shows it, through the API.
import type { Command } from 'commander';
import type { Static } from 'typebox';
import type { Capacity } from '../contract/operator.ts';
import { hostStatusWords, wordsOr } from '../contract/status-words.ts';
import { apiForCommand } from './command-api.ts';

const print = (line: string) => process.stdout.write(line + '\n');
const mebibytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MiB`;

export function registerCapacityCommands(program: Command): void {
  program.command('capacity').description("hosts per status, each host's memory and database connections, and what the machine has left (operator)")
    .action(async (_options, command: Command) => {
      const capacity = await apiForCommand(command).request<Static<typeof Capacity>>('GET', '/api/v1/operator/capacity');
      print(`hosts: ${Object.entries(capacity.hostsByStatus).map(([status, count]) => `${count} ${wordsOr(hostStatusWords, status).toLowerCase()}`).join(', ') || 'none'}`);
      print(`memory: ${mebibytes(capacity.memory.availableBytes)} available of ${mebibytes(capacity.memory.totalBytes)}`);
      const connections = capacity.databaseConnections;
      print(`database connections: ${connections.used} used, ${connections.free} free of ${connections.max} (${connections.reserved} reserved)`);
      print(capacity.full ? `FULL, new hosts are refused: ${capacity.fullBecause.join('; ')}` : 'new hosts are accepted');
      for (const host of capacity.hosts) {
        const shared = host.process ? `  (share of ${host.process})` : '';
        print(`  ${host.label.padEnd(24)} ${wordsOr(hostStatusWords, host.status).padEnd(18)} ${mebibytes(host.memoryBytes).padStart(9)}  ${host.databaseConnections} connections${shared}`);
      }
      if (capacity.processes.length > 0) print('shared processes:');
      for (const shared of capacity.processes) {
        print(`  ${shared.name.padEnd(24)} ${`${shared.hosts.length} hosts`.padEnd(12)} ${mebibytes(shared.memoryBytes).padStart(9)}  ${shared.databaseConnections} connections`);
      }
    });
}
