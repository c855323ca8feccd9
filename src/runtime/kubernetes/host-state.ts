// A host's state as its Deployment reports it: the cluster, not Homeport, knows whether Synapse
// answers (its readiness probe), so the state is read from the workload's status. A workload
// scaled to zero for hibernation carries an annotation, so a restarted Homeport still tells a
// sleeping host from a stopped one.
import type { V1Deployment } from '@kubernetes/client-node';
import type { HostProcessState } from '../runtime.ts';

export const sleepingAnnotation = 'homeport.io/sleeping';

export function hostStateOf(deployment: V1Deployment | undefined): HostProcessState {
  if (!deployment || deployment.metadata?.deletionTimestamp) return 'stopped';
  if (deployment.spec?.replicas === 0) return deployment.metadata?.annotations?.[sleepingAnnotation] === 'true' ? 'sleeping' : 'stopped';
  const status = deployment.status;
  // A status about an older generation says nothing yet about what was applied last.
  const current = (status?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  if (current && (status?.readyReplicas ?? 0) >= 1 && (status?.updatedReplicas ?? 0) >= 1) return 'running';
  return (status?.replicas ?? 0) > 0 && (status?.updatedReplicas ?? 0) < (status?.replicas ?? 0) ? 'restarting' : 'starting';
}
