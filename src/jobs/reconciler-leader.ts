// The reconciler runs on one replica at a time: the one holding the `reconciler` lease.
import type { HomeportContext } from '../homeport-context.ts';
import { HostReconciler } from './host-reconciler.ts';
import { SingletonLease } from './singleton-lease.ts';

export const reconcilerLease = 'reconciler';

/** Starts contending for the reconciler; `onReconciler` learns which reconciler runs here now, if any. */
export async function startReconcilerLeader(context: HomeportContext, replicaId: string, onReconciler: (reconciler: HostReconciler | undefined) => void): Promise<SingletonLease> {
  const lease = new SingletonLease({
    db: context.db,
    logger: context.logger.child({ component: 'reconciler' }),
    name: reconcilerLease,
    holder: replicaId,
    leaseSeconds: context.config.workerLeaseSeconds,
    lead: async () => {
      const reconciler = new HostReconciler(context);
      onReconciler(reconciler);
      await reconciler.start();
      return {
        async stop() {
          onReconciler(undefined);
          await reconciler.stop();
        },
      };
    },
  });
  await lease.start();
  return lease;
}
