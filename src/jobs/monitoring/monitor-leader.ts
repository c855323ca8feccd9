// Monitoring runs on one replica at a time, the one holding the `monitor` lease, so that every
// host is checked once a pass and every alert announced once.
import type { HomeportContext } from '../../homeport-context.ts';
import { SingletonLease } from '../singleton-lease.ts';
import { HostMonitor } from './host-monitor.ts';

export const monitorLease = 'monitor';

export async function startMonitorLeader(context: HomeportContext, replicaId: string): Promise<SingletonLease> {
  const lease = new SingletonLease({
    db: context.db,
    logger: context.logger.child({ component: 'monitor' }),
    name: monitorLease,
    holder: replicaId,
    leaseSeconds: context.config.workerLeaseSeconds,
    lead: async () => {
      const monitor = new HostMonitor(context);
      monitor.start();
      return { stop: () => monitor.stop() };
    },
  });
  await lease.start();
  return lease;
}
