// The host's Synapse as a Deployment of one pod: its configuration from the host's Secret, its
// media on the host's volume, its resources from its seats, and nothing of the cluster's API.
import type { V1Deployment } from '@kubernetes/client-node';
import { hostLabels, hostObjectName, hostPodLabels, type HostObjectMetadata } from './host-labels.ts';
import type { KubernetesHost, KubernetesSettings } from './kubernetes-settings.ts';
import { synapseResources } from './synapse-resources.ts';

/** Synapse's client and federation listener in the pod. */
export const synapsePort = 8008;
/** Where the pod sees the host's Secret (homeserver.yaml, signing.key) and its media volume. */
export const configMountPath = '/config';
export const mediaMountPath = '/media';
// The uid the Synapse image's own user has; it owns the media volume through fsGroup.
const synapseUid = 991;

/** Names the configuration the pod template was made for; a different one rolls the pod. */
export const configChecksumAnnotation = 'homeport.io/config-checksum';

export function hostDeployment(host: KubernetesHost, settings: KubernetesSettings, metadata: HostObjectMetadata, configChecksum: string): V1Deployment {
  const name = hostObjectName(host.id);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: 1,
      // The media volume is ReadWriteOnce, and two Synapses must never share one database.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: hostPodLabels(host.id) },
      template: {
        metadata: { labels: hostLabels(host.id), annotations: { [configChecksumAnnotation]: configChecksum } },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: { runAsNonRoot: true, runAsUser: synapseUid, runAsGroup: synapseUid, fsGroup: synapseUid, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'synapse',
            image: settings.synapseImage,
            // Straight to Synapse: the image's start script wants root to change owners of /data.
            command: ['python', '-m', 'synapse.app.homeserver', '--config-path', `${configMountPath}/homeserver.yaml`],
            ports: [{ name: 'http', containerPort: synapsePort, protocol: 'TCP' }],
            readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 5 },
            livenessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 20, failureThreshold: 6 },
            resources: synapseResources(host.seats),
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            volumeMounts: [
              { name: 'config', mountPath: configMountPath, readOnly: true },
              { name: 'media', mountPath: mediaMountPath },
            ],
          }],
          volumes: [
            { name: 'config', secret: { secretName: name, defaultMode: 0o440 } },
            { name: 'media', persistentVolumeClaim: { claimName: name } },
          ],
        },
      },
    },
  };
}
