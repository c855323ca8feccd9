// The CPU and memory a host's Synapse asks the cluster for: a base for an idle Synapse plus a
// share per seat, since caches and sync load grow with the users. The limit leaves room for bursts
// (joins of large rooms) without letting one host starve a node.
import type { V1ResourceRequirements } from '@kubernetes/client-node';

const baseMemoryMi = 256;
const memoryPerSeatMi = 4;
const baseCpuMilli = 100;
const cpuPerSeatMilli = 2;

export function synapseResources(seats: number): V1ResourceRequirements {
  const memoryMi = baseMemoryMi + memoryPerSeatMi * seats;
  const cpuMilli = baseCpuMilli + cpuPerSeatMilli * seats;
  return {
    requests: { cpu: `${cpuMilli}m`, memory: `${memoryMi}Mi` },
    limits: { memory: `${memoryMi * 2}Mi` },
  };
}
